using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Commands;
using Engine.Gateway.Protocol;
using Engine.Pipeline;
using Engine.Ring;
using Journal;

namespace Engine.Gateway.Server.Configuration;

/// <summary>The server's JSON configuration: where it listens, its journal, keys, and the market it sets up on first start.</summary>
/// <remarks>
/// Decimal amounts are strings in human units ("0.1", "100000") and are converted to the engine's fixed point here,
/// outside the engine. The embedded default (<c>default-config.json</c>) is what <c>run-engine.sh</c> runs with; a file
/// given with <c>--config</c> replaces it, and command-line options override single settings.
/// </remarks>
public sealed class ServerConfiguration
{
    private static readonly JsonSerializerOptions _json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>host:port to listen on.</summary>
    public string Listen { get; set; } = "127.0.0.1:7400";
    /// <summary>host:port of the Prometheus text endpoint; empty disables it.</summary>
    public string Metrics { get; set; } = "127.0.0.1:7401";
    /// <summary>Journal and snapshot directory; empty runs without a journal.</summary>
    public string DataDirectory { get; set; } = "./data";
    /// <summary>none, flush or fsync.</summary>
    public string Durability { get; set; } = "flush";
    /// <summary>How the engine's threads wait for work: blocking (default), sleeping, yielding or spin.</summary>
    public string Wait { get; set; } = "blocking";
    /// <summary>When set (Linux), the CPU the logic thread runs on alone; null leaves placement to the OS.</summary>
    public int? LogicCpu { get; set; }
    /// <summary>Default heartbeat interval, ms.</summary>
    public int HeartbeatMs { get; set; } = 5000;
    /// <summary>Slow-consumer limit in bytes.</summary>
    public long OutboundLimitBytes { get; set; } = 8L << 20;
    /// <summary>Collateral assets besides USD (asset 0).</summary>
    public List<AssetConfig> Assets { get; set; } = [];
    /// <summary>Instruments.</summary>
    public List<InstrumentConfig> Instruments { get; set; } = [];
    /// <summary>Accounts (account 0 is the insurance fund and always exists).</summary>
    public List<AccountConfig> Accounts { get; set; } = [];
    /// <summary>Login keys.</summary>
    public List<KeyConfig> Keys { get; set; } = [];

    /// <summary>The embedded default configuration.</summary>
    public static ServerConfiguration LoadDefault()
    {
        using var stream = typeof(ServerConfiguration).Assembly.GetManifestResourceStream("Engine.Gateway.default-config.json")
                           ?? throw new InvalidOperationException("the default configuration is not embedded");
        return Parse(stream, "the embedded default configuration");
    }

    /// <summary>Reads a configuration file.</summary>
    /// <exception cref="ConfigurationException">The file is not valid; the message says where.</exception>
    public static ServerConfiguration Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    private static ServerConfiguration Parse(Stream stream, string source)
    {
        ServerConfiguration? config;
        try
        {
            config = JsonSerializer.Deserialize<ServerConfiguration>(stream, _json);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{source}: {e.Message}", e);
        }
        if (config == null) throw new ConfigurationException($"{source}: empty");
        config.Validate(source);
        return config;
    }

    /// <summary>Checks names, references and formats; throws with a message naming the bad entry.</summary>
    public void Validate(string source = "configuration")
    {
        ParseEndpoint(Listen, nameof(Listen), source);
        if (!string.IsNullOrEmpty(Metrics)) ParseEndpoint(Metrics, nameof(Metrics), source);
        ParseDurability(Durability, source);
        ParseWait(Wait, source);
        if (LogicCpu is { } cpu && CpuAffinity.CheckDedicated(cpu) is { } why)
            throw new ConfigurationException($"{source}: logicCpu {cpu}: {why}");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in Accounts)
            if (!string.IsNullOrEmpty(a.Name) && !names.Add(a.Name)) throw new ConfigurationException($"{source}: account name '{a.Name}' is used twice");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in Keys)
        {
            if (string.IsNullOrEmpty(k.Key) || k.Key.Length > LoginMessage.KeyLength || k.Key.Any(c => c < 0x21 || c > 0x7E))
                throw new ConfigurationException($"{source}: key '{k.Key}' must be 1-{LoginMessage.KeyLength} printable ASCII characters");
            if (!keys.Add(k.Key)) throw new ConfigurationException($"{source}: key '{k.Key}' is listed twice");
            if (k.Accounts.Count > LoginAcceptedMessage.MaxAccounts)
                throw new ConfigurationException($"{source}: key '{k.Key}' grants more than {LoginAcceptedMessage.MaxAccounts} accounts");
            ResolveRoles(k, source);
            foreach (var account in k.Accounts) ResolveAccount(account, source);
        }
        foreach (var i in Instruments)
        {
            Decimal(i.TickSize, $"instrument {i.Id} tickSize", source);
            Decimal(i.LotSize, $"instrument {i.Id} lotSize", source);
        }
    }

    /// <summary>The server options this configuration describes.</summary>
    public ServerOptions ToOptions(Action<string>? log = null)
    {
        var (address, port) = ParseEndpoint(Listen, nameof(Listen), "configuration");
        return new ServerOptions
        {
            Address = address,
            Port = port,
            DataDirectory = string.IsNullOrEmpty(DataDirectory) ? null : Path.GetFullPath(DataDirectory),
            Durability = ParseDurability(Durability, "configuration"),
            InputWait = ParseWait(Wait, "configuration"),
            OutputWait = ParseWait(Wait, "configuration"),
            LogicCpu = LogicCpu,
            DefaultHeartbeatMs = HeartbeatMs,
            OutboundLimitBytes = OutboundLimitBytes,
            Keys = Keys.Select(k => new AccessKey(k.Key, ResolveRoles(k, "configuration"),
                k.Accounts.Select(a => ResolveAccount(a, "configuration")).ToArray())).ToArray(),
            Log = log,
        };
    }

    /// <summary>The metrics endpoint, or null when disabled.</summary>
    public (IPAddress Address, int Port)? MetricsEndpoint() =>
        string.IsNullOrEmpty(Metrics) ? null : ParseEndpoint(Metrics, nameof(Metrics), "configuration");

    /// <summary>The commands that set up the market on an empty journal, in order.</summary>
    public List<Command> SetupCommands()
    {
        const string source = "configuration";
        var commands = new List<Command>();
        foreach (var a in Assets)
            commands.Add(Cmd.AddAsset(a.Id, Raw(a.Price, FixedPoint.PriceScale, $"asset {a.Id} price", source), a.HaircutPpm));
        foreach (var i in Instruments)
        {
            var what = $"instrument {i.Id}";
            commands.Add(Cmd.AddInstrument(i.Id, Raw(i.TickSize, FixedPoint.PriceScale, what + " tickSize", source),
                Raw(i.LotSize, FixedPoint.QuantityScale, what + " lotSize", source),
                Raw(i.MaxOrderQuantity, FixedPoint.QuantityScale, what + " maxOrderQuantity", source),
                i.MakerFeePpm, i.TakerFeePpm, i.BandBps, i.MaxLeverage, i.LadderLog2));
            for (var t = 0; t < i.Tiers.Count; t++)
                commands.Add(Cmd.AddTier(i.Id, (byte)t, Raw(i.Tiers[t].NotionalCap, FixedPoint.MoneyScale, $"{what} tier {t}", source),
                    i.Tiers[t].MmrPpm, i.Tiers[t].MaxLeverage));
            if (!string.IsNullOrEmpty(i.MarkPrice))
                commands.Add(Cmd.MarkPrice(i.Id, Raw(i.MarkPrice, FixedPoint.PriceScale, what + " markPrice", source)));
        }
        foreach (var a in Accounts)
        {
            if (a.Id != 0) commands.Add(Cmd.CreateAccount(a.Id));
            foreach (var (asset, amount) in a.Deposits)
            {
                if (!int.TryParse(asset, NumberStyles.None, CultureInfo.InvariantCulture, out var assetId))
                    throw new ConfigurationException($"{source}: account {a.Id} deposit asset '{asset}' is not an asset id");
                commands.Add(Cmd.Deposit(a.Id, assetId, Raw(amount, FixedPoint.MoneyScale, $"account {a.Id} deposit", source)));
            }
        }
        return commands;
    }

    private int ResolveAccount(string account, string source)
    {
        foreach (var a in Accounts)
            if (a.Name == account) return a.Id;
        if (int.TryParse(account, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return id;
        throw new ConfigurationException($"{source}: account '{account}' is neither a configured account name nor an id");
    }

    private static SessionRoles ResolveRoles(KeyConfig key, string source)
    {
        var roles = SessionRoles.None;
        foreach (var r in key.Roles)
            roles |= r switch
            {
                "trader" => SessionRoles.Trader,
                "price-feed" => SessionRoles.PriceFeed,
                "admin" => SessionRoles.Admin,
                _ => throw new ConfigurationException($"{source}: key '{key.Key}': unknown role '{r}' (trader, price-feed, admin)"),
            };
        return roles;
    }

    private static (IPAddress, int) ParseEndpoint(string text, string name, string source)
    {
        if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port is < 0 or > 65535 || !text.Contains(':'))
            throw new ConfigurationException($"{source}: {name} '{text}' is not an address:port");
        return (endpoint.Address, endpoint.Port);
    }

    private static Func<IWaitStrategy> ParseWait(string text, string source) => text switch
    {
        "blocking" => () => new BlockingWaitStrategy(),
        "sleeping" => () => new SleepingWaitStrategy(),
        "yielding" => () => new YieldingWaitStrategy(),
        "spin" => () => new BusySpinWaitStrategy(),
        _ => throw new ConfigurationException($"{source}: wait '{text}' is not blocking, sleeping, yielding or spin"),
    };

    private static JournalDurability ParseDurability(string text, string source) =>
        Enum.TryParse<JournalDurability>(text, ignoreCase: true, out var d) && Enum.IsDefined(d)
            ? d
            : throw new ConfigurationException($"{source}: durability '{text}' is not none, flush or fsync");

    private static decimal Decimal(string text, string what, string source) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ConfigurationException($"{source}: {what} '{text}' is not a decimal number");

    private static long Raw(string text, long scale, string what, string source)
    {
        var value = Decimal(text, what, source) * scale;
        if (value != decimal.Truncate(value) || value > long.MaxValue || value < long.MinValue)
            throw new ConfigurationException($"{source}: {what} '{text}' has more decimals than the engine keeps or is too large");
        return (long)value;
    }
}
