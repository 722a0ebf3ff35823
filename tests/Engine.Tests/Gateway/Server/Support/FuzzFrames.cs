using Engine.Commands;
using Engine.Gateway.Protocol;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>
/// The fuzz generator: valid requests shaped by the session's rights (and sometimes outside them), and every kind of
/// mutation of a frame. Each call returns one unit of bytes; the caller feeds it to a <see cref="SessionModel"/>.
/// </summary>
public static class FuzzFrames
{
    private static readonly MessageType[] _requestTypes =
    [
        MessageType.PlaceOrder, MessageType.CancelOrder, MessageType.ReplaceOrder, MessageType.MassCancel, MessageType.MarkPrice,
        MessageType.AssetPrice, MessageType.AddInstrument, MessageType.AddInstrumentTier, MessageType.AddAsset, MessageType.CreateAccount,
        MessageType.Deposit, MessageType.Withdraw, MessageType.SetLeverage, MessageType.SetMarginMode, MessageType.AdjustIsolatedMargin,
        MessageType.QueryAccount, MessageType.QueryBook, MessageType.Snapshot,
    ];

    private static readonly int[] _bodySizes =
    [
        PlaceOrderMessage.Size, CancelOrderMessage.Size, ReplaceOrderMessage.Size, MassCancelMessage.Size, MarkPriceMessage.Size,
        AssetPriceMessage.Size, AddInstrumentMessage.Size, AddInstrumentTierMessage.Size, AddAssetMessage.Size, CreateAccountMessage.Size,
        DepositMessage.Size, WithdrawMessage.Size, SetLeverageMessage.Size, SetMarginModeMessage.Size, AdjustIsolatedMarginMessage.Size,
        QueryAccountMessage.Size, QueryBookMessage.Size, SnapshotMessage.Size,
    ];

    private static readonly string[] _otherKeys = [AliceKey, MakerKey, AdminKey, "not-a-key"];

    /// <summary>The kinds of unit, by weight (out of 1000).</summary>
    public static readonly (string Kind, int Weight)[] Kinds =
    [
        ("valid", 700),
        ("body-flip", 80),
        ("random-body", 40),
        ("heartbeat", 30),
        ("random-type", 12),
        ("unknown-type", 20),
        ("second-login", 10),
        ("header-flip", 10),
        ("wrong-length", 10),
        ("truncated", 8),
        ("out-of-order", 8),
        ("garbage", 8),
        ("bad-version", 5),
        ("bad-heartbeat", 4),
        ("logout", 3),
        ("valid-outside-rights", 32),
        ("valid-query", 20),
    ];

    /// <summary>A login frame, numbered 1; now and then a mutated one.</summary>
    public static byte[] Login(FuzzContext c)
    {
        c.Sequence = 1;
        var r = c.Random;
        var roll = r.Next(100);
        if (roll < 2) return Frames.Raw(MessageType.Login, RandomBytes(r, r.Next(0, 60)), 1);           // wrong length or bad key
        if (roll < 3) return Frames.Login(_otherKeys[r.Next(_otherKeys.Length)], 0, (uint)r.Next(0, 3)); // maybe out of sequence
        return Frames.Login(c.Key.Key, 0, 1);
    }

    /// <summary>One unit: a valid request, or a mutation; <paramref name="kind"/> says which.</summary>
    public static byte[] Next(FuzzContext c, out string kind)
    {
        var r = c.Random;
        var roll = r.Next(1000);
        kind = Kinds[^1].Kind;
        foreach (var (k, weight) in Kinds)
        {
            if (roll < weight)
            {
                kind = k;
                break;
            }
            roll -= weight;
        }
        switch (kind)
        {
            case "valid":
                return ValidRequest(c, ++c.Sequence, withinRights: true);
            case "valid-outside-rights":
                return ValidRequest(c, ++c.Sequence, withinRights: false);
            case "valid-query":
                return Frames.Request(BookQuery(c.NextId(), r.Next(2) == 0 ? Btc : Eth, r.Next(0, 30)), ++c.Sequence);
            case "body-flip":
            {
                var frame = ValidRequest(c, ++c.Sequence, withinRights: true);
                for (var n = r.Next(1, 4); n > 0; n--) frame[r.Next(FrameHeader.Size, frame.Length)] ^= (byte)r.Next(1, 256);
                return frame;
            }
            case "random-body":
            {
                var t = r.Next(_requestTypes.Length);
                return Frames.Raw(_requestTypes[t], RandomBytes(r, _bodySizes[t]), ++c.Sequence);
            }
            case "heartbeat":
                return Frames.Heartbeat(++c.Sequence);
            case "random-type":
            {
                var frame = ValidRequest(c, ++c.Sequence, withinRights: true);
                frame[FrameHeader.TypeOffset] = (byte)r.Next(256);
                return frame;
            }
            case "unknown-type":
            {
                byte type;
                do type = (byte)r.Next(256);
                while (Enum.IsDefined((MessageType)type) && (MessageType)type < MessageType.LoginAccepted);
                return Frames.Raw((MessageType)type, RandomBytes(r, r.Next(0, FrameHeader.MaxFrameLength - FrameHeader.Size + 1)), ++c.Sequence);
            }
            case "second-login":
                return Frames.Login(_otherKeys[r.Next(_otherKeys.Length)], r.Next(0, 1000), ++c.Sequence);
            case "header-flip":
            {
                var frame = ValidRequest(c, ++c.Sequence, withinRights: true);
                frame[r.Next(FrameHeader.Size)] ^= (byte)r.Next(1, 256);
                return frame;
            }
            case "wrong-length":
            {
                var frame = ValidRequest(c, ++c.Sequence, withinRights: true);
                var length = frame.Length;
                var wrong = r.Next(2) == 0 ? length + r.Next(-8, 9) : r.Next(0, 300);
                if (wrong == length) wrong++;
                BitConverter.TryWriteBytes(frame.AsSpan(FrameHeader.LengthOffset), (ushort)wrong);
                return frame;
            }
            case "truncated":
            {
                var frame = ValidRequest(c, ++c.Sequence, withinRights: true);
                return frame[..r.Next(1, frame.Length)];
            }
            case "out-of-order":
            {
                var next = c.Sequence + 1;
                uint wrong;
                do wrong = r.Next(3) switch { 0 => c.Sequence, 1 => next + (uint)r.Next(1, 5), _ => (uint)r.Next() };
                while (wrong == next);
                return ValidRequest(c, wrong, withinRights: true);
            }
            case "garbage":
                return RandomBytes(r, r.Next(1, 65));
            case "bad-version":
            {
                var frame = ValidRequest(c, ++c.Sequence, withinRights: true);
                frame[FrameHeader.VersionOffset] = (byte)(FrameHeader.CurrentVersion + r.Next(1, 256));
                return frame;
            }
            case "bad-heartbeat":
            {
                int size;
                do size = r.Next(0, 17);
                while (size == HeartbeatMessage.Size);
                return Frames.Raw(MessageType.Heartbeat, RandomBytes(r, size), ++c.Sequence);
            }
            case "logout":
                return Frames.Logout(++c.Sequence);
            default:
                throw new InvalidOperationException(kind);
        }
    }

    /// <summary>A well-formed request frame; within the key's rights unless <paramref name="withinRights"/> is false.</summary>
    public static byte[] ValidRequest(FuzzContext c, uint sequence, bool withinRights)
    {
        var r = c.Random;
        var id = c.NextId();
        if (!withinRights) return OutsideRights(c, sequence, id);
        if ((c.Roles & SessionRoles.Admin) != 0 && r.Next(3) > 0) return Admin(c, sequence, id);
        if ((c.Roles & SessionRoles.PriceFeed) != 0 && r.Next(3) > 0) return Prices(c, sequence, id);
        if ((c.Roles & SessionRoles.Trader) == 0) return Frames.Request(BookQuery(id, r.Next(2) == 0 ? Btc : Eth, r.Next(0, 20)), sequence);
        var account = c.Accounts[r.Next(c.Accounts.Count)];
        var known = c.KnownOrders.Where(o => c.Accounts.Contains(o.Account)).ToList();
        var roll = r.Next(100);
        if (roll < 55) return Frames.Request(Order(r, account, id), sequence);
        if (roll < 70)
        {
            var (owner, orderId) = known.Count > 0 && r.Next(4) > 0 ? known[r.Next(known.Count)] : (account, r.NextInt64(1, 1L << 40));
            return Frames.Request(Cancel(owner, orderId, id), sequence);
        }
        if (roll < 77 && known.Count > 0)
        {
            var (owner, orderId) = known[r.Next(known.Count)];
            return Frames.Request(new ReplaceOrderMessage
            {
                AccountId = owner, OrderId = orderId, RequestId = id, Price = r.Next(2) == 0 ? 0 : Px(BtcMark + r.Next(-500, 501) * 0.1m),
                Quantity = r.Next(2) == 0 ? 0 : Qty(r.Next(1, 6) * 0.001m),
            }, sequence);
        }
        if (roll < 80) return Frames.Request(new MassCancelMessage { AccountId = account, InstrumentId = Btc, OneInstrument = r.Next(2), RequestId = id }, sequence);
        if (roll < 83) return Frames.Request(new SetLeverageMessage { AccountId = account, InstrumentId = r.Next(1, 3), Leverage = (ushort)r.Next(0, 140), RequestId = id }, sequence);
        if (roll < 85) return Frames.Request(new SetMarginModeMessage { AccountId = account, InstrumentId = r.Next(1, 3), Mode = (MarginMode)r.Next(0, 3), RequestId = id }, sequence);
        if (roll < 87) return Frames.Request(new AdjustIsolatedMarginMessage { AccountId = account, InstrumentId = r.Next(1, 3), Amount = Money(r.Next(-50, 51)), RequestId = id }, sequence);
        if (roll < 94) return Frames.Request(AccountQuery(account, id), sequence);
        return Frames.Request(BookQuery(id, r.Next(2) == 0 ? Btc : Eth, r.Next(0, 20)), sequence);
    }

    private static PlaceOrderMessage Order(Random r, int account, long id)
    {
        var btc = r.Next(5) > 0;
        var market = r.Next(8) == 0;
        var tif = r.Next(10) switch { < 7 => TimeInForce.GoodTillCancel, < 9 => TimeInForce.ImmediateOrCancel, _ => TimeInForce.FillOrKill };
        return new PlaceOrderMessage
        {
            AccountId = account, InstrumentId = btc ? Btc : Eth, ClientOrderId = id,
            Price = market ? 0 : btc ? Px(BtcMark + r.Next(-1000, 1001) * 0.1m) : Px(3_000m + r.Next(-3000, 3001) * 0.01m),
            Quantity = Qty(r.Next(1, 6) * 0.001m), Side = r.Next(2) == 0 ? Side.Buy : Side.Sell,
            OrderType = market ? OrderType.Market : OrderType.Limit, TimeInForce = tif,
            Flags = r.Next(10) == 0 ? OrderFlags.PostOnly : r.Next(20) == 0 ? OrderFlags.ReduceOnly : OrderFlags.None,
            SelfTrade = (SelfTradeMode)r.Next(0, 3),
        };
    }

    private static byte[] Prices(FuzzContext c, uint sequence, long id)
    {
        var r = c.Random;
        return r.Next(5) > 0
            ? Frames.Request(new MarkPriceMessage { InstrumentId = r.Next(1, 3), RequestId = id, Price = Px(r.Next(2) == 0 ? BtcMark * (1 + r.Next(-200, 201) / 10_000m) : 3_000m * (1 + r.Next(-200, 201) / 10_000m)) }, sequence)
            : Frames.Request(new AssetPriceMessage { AssetId = 1, RequestId = id, Price = Px(1m + r.Next(-100, 101) / 10_000m) }, sequence);
    }

    private static byte[] Admin(FuzzContext c, uint sequence, long id)
    {
        var r = c.Random;
        int[] traders = [Alice, Bob, Carol, Maker];
        var account = r.Next(3) == 0 ? r.Next(0, 70) : traders[r.Next(traders.Length)];
        return r.Next(100) switch
        {
            < 30 => Frames.Request(new DepositMessage { AccountId = account, AssetId = r.Next(0, 3), Amount = Money(r.Next(1, 1001)), RequestId = id }, sequence),
            < 45 => Frames.Request(new WithdrawMessage { AccountId = account, AssetId = r.Next(0, 2), Amount = Money(r.Next(1, 501)), RequestId = id }, sequence),
            < 60 => Frames.Request(new CreateAccountMessage { AccountId = r.Next(0, 70), RequestId = id }, sequence),
            < 90 => Frames.Request(AccountQuery(account, id), sequence),
            < 95 => Frames.Request(new AddAssetMessage { AssetId = r.Next(1, 5), Price = Px(1m), HaircutPpm = r.Next(0, 100_000), RequestId = id }, sequence),
            < 99 => Frames.Request(BookQuery(id, r.Next(0, 4), r.Next(0, 20)), sequence),
            _ => Frames.Request(new SnapshotMessage { RequestId = id }, sequence),
        };
    }

    /// <summary>A well-formed request the key may not send: another account, or another role's command.</summary>
    private static byte[] OutsideRights(FuzzContext c, uint sequence, long id)
    {
        var r = c.Random;
        var trader = (c.Roles & SessionRoles.Trader) != 0;
        var foreign = Enumerable.Range(0, 12).First(a => !c.Accounts.Contains(a) && r.Next(3) == 0 || a == 11);
        if (r.Next(2) == 0 || !trader && (c.Roles & SessionRoles.Admin) == 0)
        {
            // a trader request for an account the key does not grant (admins may query any account, so an order)
            return Frames.Request(Order(r, foreign, id), sequence);
        }
        if ((c.Roles & SessionRoles.Admin) != 0) return Frames.Request(Order(r, Alice, id), sequence); // admins do not trade
        return (c.Roles & SessionRoles.PriceFeed) == 0 && r.Next(2) == 0
            ? Frames.Request(new MarkPriceMessage { InstrumentId = Btc, Price = Px(BtcMark), RequestId = id }, sequence)
            : Frames.Request(new DepositMessage { AccountId = c.Accounts.Count > 0 ? c.Accounts[0] : Alice, Amount = Money(1m), RequestId = id }, sequence);
    }

    private static byte[] RandomBytes(Random r, int length)
    {
        var bytes = new byte[length];
        r.NextBytes(bytes);
        return bytes;
    }
}
