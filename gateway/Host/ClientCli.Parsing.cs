using System.Globalization;
using Engine.Commands;
using Engine.Gateway.Client;
using Engine.Gateway.Protocol;

namespace Gateway.Host;

// Command-line parsing: from arguments to a CliInvocation holding the protocol message; nothing here touches the network.
internal static partial class ClientCli
{
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 7400;

    /// <summary>Every verb with its arguments, for errors and help.</summary>
    internal static readonly (string Verb, string Arguments, string Description)[] Verbs =
    [
        ("place", "<account> <instrument> buy|sell <qty> <price|market> [gtc|ioc|fok] [post-only] [reduce-only]", "place an order"),
        ("cancel", "<account> <orderId>", "cancel an open order"),
        ("replace", "<account> <orderId> <price|keep> <qty|keep>", "change an order's price and/or open quantity"),
        ("mass-cancel", "<account> [instrument]", "cancel every open order of the account (in one instrument)"),
        ("price", "<instrument> <price>", "set the mark price (price feed)"),
        ("asset-price", "<asset> <price>", "set a collateral asset's price (price feed)"),
        ("leverage", "<account> <instrument> <n>", "set the leverage (flat, no orders)"),
        ("margin-mode", "<account> <instrument> cross|isolated", "set the margin mode (flat, no orders)"),
        ("adjust-margin", "<account> <instrument> <amount>", "add (or, negative, remove) isolated margin"),
        ("deposit", "<account> <asset> <amount>", "credit an account (admin)"),
        ("withdraw", "<account> <asset> <amount>", "debit an account (admin)"),
        ("create-account", "<account>", "create an account (admin)"),
        ("risk", "<account>", "account risk, balances, positions with liquidation/bankruptcy prices, open orders"),
        ("book", "<instrument> [depth]", "bids and asks (default depth 10)"),
        ("snapshot", "", "take a snapshot; prints the state and event hashes (admin)"),
        ("watch", "", "print every event this session receives until Ctrl-C"),
        ("help", "", "this text"),
    ];

    // names of the embedded default configuration (docs: /gateway-spec "Embedded default configuration"); ids work everywhere
    private static readonly Dictionary<string, int> _instrumentIds = new(StringComparer.OrdinalIgnoreCase) { ["BTC-PERP"] = 1, ["ETH-PERP"] = 2 };
    private static readonly Dictionary<string, int> _assetIds = new(StringComparer.OrdinalIgnoreCase) { ["USD"] = 0, ["USDC"] = 1 };
    private static readonly Dictionary<string, int> _accountIds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["insurance"] = 0, ["alice"] = 1, ["bob"] = 2, ["carol"] = 3, ["maker"] = 10,
    };
    private static readonly Dictionary<int, string> _traderKeys = new() { [1] = "alice-key", [2] = "bob-key", [3] = "carol-key", [10] = "maker-key" };

    /// <summary>Parses <c>[--host H] [--port P] [--key K] [--id N] &lt;verb&gt; [args]</c> (options may come anywhere).</summary>
    /// <exception cref="CliUsageException">Unknown verb or option, wrong argument count, or a value that does not parse.</exception>
    internal static CliInvocation Parse(IReadOnlyList<string> args)
    {
        string? host = null;
        string? key = null;
        int? port = null;
        long requestId = 0;
        var help = false;
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--host":
                    host = OptionValue(args, ref i);
                    break;
                case "--port":
                    var text = OptionValue(args, ref i);
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                        throw new CliUsageException($"'{text}' is not a port");
                    port = p;
                    break;
                case "--key":
                    key = OptionValue(args, ref i);
                    break;
                case "--id":
                    requestId = ParseLong(OptionValue(args, ref i), "request id");
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal)) throw new CliUsageException($"unknown option '{arg}'");
                    positional.Add(arg);
                    break;
            }
        }
        if (help) return new CliInvocation(host ?? DefaultHost, port ?? DefaultPort, key ?? "", key is null, "help", null);
        if (positional.Count == 0) throw new CliUsageException("missing verb");

        var verb = positional[0].ToLowerInvariant();
        var a = positional.GetRange(1, positional.Count - 1);
        var request = ParseRequest(verb, a, requestId);
        var defaulted = key is null;
        return new CliInvocation(host ?? DefaultHost, port ?? DefaultPort, key ?? DefaultKey(verb, request), defaulted, verb, request);
    }

    /// <summary>The request of <paramref name="verb"/> with its arguments <paramref name="a"/>; null for help and watch.</summary>
    internal static object? ParseRequest(string verb, IReadOnlyList<string> a, long requestId = 0)
    {
        switch (verb)
        {
            case "place":
                return ParsePlace(a, requestId);
            case "cancel":
                Arguments(verb, a, 2);
                return new CancelOrderMessage { AccountId = ParseAccount(a[0]), OrderId = ParseLong(a[1], "order id"), RequestId = requestId };
            case "replace":
                Arguments(verb, a, 4);
                return new ReplaceOrderMessage
                {
                    AccountId = ParseAccount(a[0]), OrderId = ParseLong(a[1], "order id"),
                    Price = IsKeep(a[2]) ? 0 : ParsePrice(a[2]), Quantity = IsKeep(a[3]) ? 0 : ParseQuantity(a[3]), RequestId = requestId,
                };
            case "mass-cancel":
                Arguments(verb, a, 1, 2);
                return new MassCancelMessage
                {
                    AccountId = ParseAccount(a[0]), InstrumentId = a.Count > 1 ? ParseInstrument(a[1]) : 0, OneInstrument = a.Count > 1 ? 1 : 0,
                    RequestId = requestId,
                };
            case "price":
                Arguments(verb, a, 2);
                return new MarkPriceMessage { InstrumentId = ParseInstrument(a[0]), Price = ParsePrice(a[1]), RequestId = requestId };
            case "asset-price":
                Arguments(verb, a, 2);
                return new AssetPriceMessage { AssetId = ParseAsset(a[0]), Price = ParsePrice(a[1]), RequestId = requestId };
            case "leverage":
                Arguments(verb, a, 3);
                if (!ushort.TryParse(a[2], NumberStyles.None, CultureInfo.InvariantCulture, out var leverage) || leverage == 0)
                    throw new CliUsageException($"'{a[2]}' is not a leverage (a whole number from 1)");
                return new SetLeverageMessage { AccountId = ParseAccount(a[0]), InstrumentId = ParseInstrument(a[1]), Leverage = leverage, RequestId = requestId };
            case "margin-mode":
                Arguments(verb, a, 3);
                var mode = a[2].ToLowerInvariant() switch
                {
                    "cross" => MarginMode.Cross,
                    "isolated" => MarginMode.Isolated,
                    _ => throw new CliUsageException($"'{a[2]}' is not a margin mode (cross or isolated)"),
                };
                return new SetMarginModeMessage { AccountId = ParseAccount(a[0]), InstrumentId = ParseInstrument(a[1]), Mode = mode, RequestId = requestId };
            case "adjust-margin":
                Arguments(verb, a, 3);
                return new AdjustIsolatedMarginMessage
                {
                    AccountId = ParseAccount(a[0]), InstrumentId = ParseInstrument(a[1]), Amount = ParseMoney(a[2]), RequestId = requestId,
                };
            case "deposit":
                Arguments(verb, a, 3);
                return new DepositMessage { AccountId = ParseAccount(a[0]), AssetId = ParseAsset(a[1]), Amount = ParseMoney(a[2]), RequestId = requestId };
            case "withdraw":
                Arguments(verb, a, 3);
                return new WithdrawMessage { AccountId = ParseAccount(a[0]), AssetId = ParseAsset(a[1]), Amount = ParseMoney(a[2]), RequestId = requestId };
            case "create-account":
                Arguments(verb, a, 1);
                return new CreateAccountMessage { AccountId = ParseAccount(a[0]), RequestId = requestId };
            case "risk":
                Arguments(verb, a, 1);
                return new QueryAccountMessage { AccountId = ParseAccount(a[0]), RequestId = requestId };
            case "book":
                Arguments(verb, a, 1, 2);
                var depth = 0;
                if (a.Count > 1 && (!int.TryParse(a[1], NumberStyles.None, CultureInfo.InvariantCulture, out depth) || depth == 0))
                    throw new CliUsageException($"'{a[1]}' is not a depth (a whole number from 1)");
                return new QueryBookMessage { InstrumentId = ParseInstrument(a[0]), Depth = depth, RequestId = requestId };
            case "snapshot":
                Arguments(verb, a, 0);
                return new SnapshotMessage { RequestId = requestId };
            case "watch" or "help":
                Arguments(verb, a, 0);
                return null;
            default:
                throw new CliUsageException($"unknown verb '{verb}'; try: run-engine.sh client help");
        }
    }

    /// <summary>The key used when --key is omitted, from the embedded default configuration.</summary>
    /// <remarks>Admin verbs: admin-key. Prices: feed-key. Verbs on an account: the trader key of that account (alice-key for
    /// 1, bob-key 2, carol-key 3, maker-key 10), else alice-key, except risk of another account: admin-key (it may query any).
    /// book and watch: alice-key.</remarks>
    internal static string DefaultKey(string verb, object? request)
    {
        switch (verb)
        {
            case "deposit" or "withdraw" or "create-account" or "snapshot":
                return "admin-key";
            case "price" or "asset-price":
                return "feed-key";
        }
        var account = request switch
        {
            PlaceOrderMessage m => m.AccountId,
            CancelOrderMessage m => m.AccountId,
            ReplaceOrderMessage m => m.AccountId,
            MassCancelMessage m => m.AccountId,
            SetLeverageMessage m => m.AccountId,
            SetMarginModeMessage m => m.AccountId,
            AdjustIsolatedMarginMessage m => m.AccountId,
            QueryAccountMessage m => m.AccountId,
            _ => -1,
        };
        if (_traderKeys.TryGetValue(account, out var key)) return key;
        return verb == "risk" ? "admin-key" : "alice-key";
    }

    private static PlaceOrderMessage ParsePlace(IReadOnlyList<string> a, long clientOrderId)
    {
        Arguments("place", a, 5, 8);
        var side = a[2].ToLowerInvariant() switch
        {
            "buy" => Side.Buy,
            "sell" => Side.Sell,
            _ => throw new CliUsageException($"'{a[2]}' is not a side (buy or sell)"),
        };
        var market = string.Equals(a[4], "market", StringComparison.OrdinalIgnoreCase);
        TimeInForce? timeInForce = null;
        var flags = OrderFlags.None;
        for (var i = 5; i < a.Count; i++)
        {
            var word = a[i].ToLowerInvariant();
            TimeInForce? tif = word switch
            {
                "gtc" => TimeInForce.GoodTillCancel,
                "ioc" => TimeInForce.ImmediateOrCancel,
                "fok" => TimeInForce.FillOrKill,
                _ => null,
            };
            var flag = word switch
            {
                "post-only" => OrderFlags.PostOnly,
                "reduce-only" => OrderFlags.ReduceOnly,
                _ => OrderFlags.None,
            };
            if (tif is null && flag == OrderFlags.None)
                throw new CliUsageException($"'{a[i]}' is neither a time in force (gtc, ioc, fok) nor a flag (post-only, reduce-only)");
            if ((tif is not null && timeInForce is not null) || (flags & flag) != 0) throw new CliUsageException($"'{a[i]}' is given twice");
            timeInForce ??= tif;
            flags |= flag;
        }
        return new PlaceOrderMessage
        {
            AccountId = ParseAccount(a[0]),
            InstrumentId = ParseInstrument(a[1]),
            Side = side,
            Quantity = ParseQuantity(a[3]),
            Price = market ? 0 : ParsePrice(a[4]),
            OrderType = market ? OrderType.Market : OrderType.Limit,
            TimeInForce = timeInForce ?? TimeInForce.GoodTillCancel,
            Flags = flags,
            ClientOrderId = clientOrderId,
        };
    }

    private static void Arguments(string verb, IReadOnlyList<string> a, int min, int? max = null)
    {
        if (a.Count >= min && a.Count <= (max ?? min)) return;
        var usage = Array.Find(Verbs, v => v.Verb == verb).Arguments;
        throw new CliUsageException($"usage: run-engine.sh client {verb} {usage}".TrimEnd());
    }

    private static string OptionValue(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count) throw new CliUsageException($"option {args[i]} needs a value");
        return args[++i];
    }

    private static bool IsKeep(string text) => string.Equals(text, "keep", StringComparison.OrdinalIgnoreCase);

    internal static int ParseAccount(string text) => ParseId(text, _accountIds, "account (an id or alice, bob, carol, maker, insurance)");

    internal static int ParseInstrument(string text) => ParseId(text, _instrumentIds, "instrument (an id or BTC-PERP, ETH-PERP)");

    internal static int ParseAsset(string text) => ParseId(text, _assetIds, "asset (an id or USD, USDC)");

    internal static long ParsePrice(string text) => ParseDecimal(text, "price", Units.ToRawPrice);

    internal static long ParseQuantity(string text) => ParseDecimal(text, "quantity", Units.ToRawQuantity);

    internal static long ParseMoney(string text) => ParseDecimal(text, "amount", Units.ToRawMoney);

    private static int ParseId(string text, Dictionary<string, int> names, string what)
    {
        if (names.TryGetValue(text, out var id)) return id;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id)) return id;
        throw new CliUsageException($"'{text}' is not an {what}");
    }

    private static long ParseLong(string text, string what) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CliUsageException($"'{text}' is not a {what}");

    private static long ParseDecimal(string text, string what, Func<decimal, long> toRaw)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            throw new CliUsageException($"'{text}' is not a {what}");
        try
        {
            return toRaw(value);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException($"{what} {text}: {ex.Message.Split(" (Parameter")[0]}");
        }
    }
}
