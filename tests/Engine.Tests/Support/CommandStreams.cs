using CsCheck;
using Engine.Commands;
using static Engine.Tests.Support.LogicHarness;

namespace Engine.Tests.Support;

/// <summary>The kinds of step in a random command stream.</summary>
public enum OpKind { Limit, Market, Cancel, Replace, MassCancel, Mark, QueryBook, Drift }

/// <summary>One abstract step; <see cref="CommandStreams.Decode"/> turns it into a command against the current state.</summary>
/// <remarks>
/// Order ids are not known when a stream is generated: a cancel or replace picks its target among the model's
/// orders when it runs (<see cref="Pick"/> indexes them), so shrinking a stream never leaves a dangling reference.
/// <see cref="Variant"/> (0-99) picks rare shapes (invalid fields, foreign or unknown ids); <see cref="Mode"/> (0-9)
/// picks where a limit order goes and what a replace changes.
/// </remarks>
public readonly record struct Op(OpKind Kind, int Account, Side Side, int Offset, int Lots, TimeInForce Tif, OrderFlags Flags,
    SelfTradeMode Stp, int Pick, int Variant, int Mode)
{
    public override string ToString() =>
        $"{Kind}(a{Account} {Side} {Offset:+0;-0} x{Lots} {Tif} {Flags} {Stp} p{Pick} v{Variant} m{Mode})";
}

/// <summary>A market and a stream of steps; prices are offsets from a center that a Drift step moves by Offset·DriftStep ticks.</summary>
public sealed record Scenario(MarketSetup Setup, int Width, int DriftStep, Op[] Ops)
{
    public override string ToString() => $"{Setup} width={Width} driftStep={DriftStep}\n  " + string.Join("\n  ", Ops);
}

/// <summary>Relative weights of the step kinds in a generated stream.</summary>
public sealed record OpMix(int Limit = 45, int Market = 7, int Cancel = 8, int Replace = 14, int MassCancel = 2, int Mark = 4,
    int QueryBook = 2, int Drift = 2);

/// <summary>
/// CsCheck generators of random command streams over one instrument and a few accounts, and the driver that runs
/// them through <see cref="DifferentialRunner"/> (engine against <see cref="ReferenceBook"/>).
/// </summary>
public static class CommandStreams
{
    /// <summary>Price, in ticks, around which streams start.</summary>
    public const long Center = 1000;

    /// <summary>Markets with 3-6 accounts, charges and rebates, wide to tight bands, tiny (64) or roomy (4096) ladders.</summary>
    public static readonly Gen<MarketSetup> GenSetup =
        Gen.Select(Gen.Int[3, 6], Gen.OneOfConst(-300, -1, 0, 1, 200), Gen.OneOfConst(0, 1, 500, 1_000),
                Gen.FrequencyConst<ushort>((3, 10_000), (2, 500), (2, 200), (2, 100), (1, 30)), Gen.OneOfConst<byte>(6, 12))
            .Select((accounts, maker, taker, band, ladder) =>
                new MarketSetup(accounts, maker, Math.Max(taker, -maker), band, ladder, MaxOrderLots: 50));

    /// <summary>One step: prices within ±<paramref name="width"/> ticks of the center, often within ±2 so that orders meet.</summary>
    public static Gen<Op> GenOp(int accounts, int width, OpMix? mix = null)
    {
        var m = mix ?? new OpMix();
        return Gen.Select(
                Gen.FrequencyConst((m.Limit, OpKind.Limit), (m.Market, OpKind.Market), (m.Cancel, OpKind.Cancel), (m.Replace, OpKind.Replace),
                    (m.MassCancel, OpKind.MassCancel), (m.Mark, OpKind.Mark), (m.QueryBook, OpKind.QueryBook), (m.Drift, OpKind.Drift)),
                Gen.Int[1, accounts],
                Gen.OneOfConst(Side.Buy, Side.Sell),
                Gen.Frequency((3, Gen.Int[-width, width]), (2, Gen.Int[-Math.Min(2, width), Math.Min(2, width)])),
                Gen.Frequency((20, Gen.Int[1, 8]), (1, Gen.Int[40, 55])),
                Gen.FrequencyConst((6, TimeInForce.GoodTillCancel), (2, TimeInForce.ImmediateOrCancel), (2, TimeInForce.FillOrKill)),
                Gen.FrequencyConst((14, OrderFlags.None), (3, OrderFlags.PostOnly), (4, OrderFlags.ReduceOnly),
                    (1, OrderFlags.PostOnly | OrderFlags.ReduceOnly)),
                Gen.Select(
                    Gen.FrequencyConst((7, SelfTradeMode.CancelResting), (2, SelfTradeMode.CancelTaker), (2, SelfTradeMode.CancelBoth)),
                    Gen.Int[0, 1_000], Gen.Int[0, 99], Gen.Int[0, 9]))
            .Select((kind, account, side, offset, lots, tif, flags, rest) =>
                new Op(kind, account, side, offset, lots, tif, flags, rest.Item1, rest.Item2, rest.Item3, rest.Item4));
    }

    /// <summary>Random markets and streams of up to 250 steps; half of them with a drifting center.</summary>
    public static readonly Gen<Scenario> GenScenario =
        Gen.Select(GenSetup, Gen.OneOfConst(3, 8, 20), Gen.OneOfConst(0, 3))
            .SelectMany((setup, width, driftStep) => GenOp(setup.Accounts, width).Array[0, 250]
                .Select(ops => new Scenario(setup, width, driftStep, ops)));

    /// <summary>Runs a scenario through engine and model; throws <see cref="ModelMismatchException"/> on the first disagreement.</summary>
    public static void RunScenario(Scenario scenario) => Run(scenario, _ => { });

    /// <summary>Runs a scenario, calling <paramref name="afterEach"/> after every command.</summary>
    public static void Run(Scenario scenario, Action<DifferentialRunner> afterEach)
    {
        var runner = new DifferentialRunner(scenario.Setup);
        var center = Center;
        foreach (var op in scenario.Ops)
        {
            if (op.Kind == OpKind.Drift)
            {
                center = Math.Max(scenario.Width + 10, center + op.Offset * scenario.DriftStep);
                continue;
            }
            runner.Run(Decode(op, runner, center));
            afterEach(runner);
        }
        runner.Run(Cmd.QueryBook(Instrument, depth: 1_000)); // the final book, level by level
    }

    /// <summary>
    /// Reports a failing scenario: CsCheck's own shrinking only keeps smaller random streams that also fail,
    /// so first drop every step (in halving chunks, down to single steps) whose removal keeps it failing.
    /// </summary>
    public static string Minimize(Scenario scenario)
    {
        string? Failure(List<Op> ops)
        {
            try
            {
                RunScenario(scenario with { Ops = ops.ToArray() });
                return null;
            }
            catch (Exception e)
            {
                return e is ModelMismatchException ? e.Message : e.ToString();
            }
        }

        var ops = scenario.Ops.ToList();
        var failure = Failure(ops);
        if (failure == null) return scenario.ToString(); // not reproducible on its own: show it as it is
        for (var chunk = Math.Max(1, ops.Count / 2); chunk >= 1; chunk /= 2)
        {
            for (var i = 0; i < ops.Count;)
            {
                var candidate = ops.Take(i).Concat(ops.Skip(i + chunk)).ToList();
                var f = Failure(candidate);
                if (f == null)
                {
                    i += chunk;
                    continue;
                }
                ops = candidate;
                failure = f;
            }
        }
        return $"minimized to {ops.Count} of {scenario.Ops.Length} steps; {failure}";
    }

    /// <summary>Turns an abstract step into a command (in model order ids) against the model's current state.</summary>
    public static Command Decode(Op op, DifferentialRunner runner, long center)
    {
        var model = runner.Model;
        var v = op.Variant;
        var session = op.Account * 10 + (v & 1);
        var clientId = (long)op.Pick * 100 + v;
        Command cmd;
        switch (op.Kind)
        {
            case OpKind.Limit:
            case OpKind.Market:
            {
                var side = op.Side;
                var lots = (long)op.Lots;
                var flags = op.Flags;
                var tif = op.Tif;
                if (op.Kind == OpKind.Market && v >= 10) flags &= ~OrderFlags.PostOnly; // keep most post-only orders valid
                if (flags.HasFlag(OrderFlags.PostOnly) && v >= 10) tif = TimeInForce.GoodTillCancel;
                if (flags.HasFlag(OrderFlags.ReduceOnly) && v >= 30)
                {
                    // steer reduce-only orders toward the side that closes the position, mostly within it
                    var position = model.Position(op.Account);
                    if (position != 0) side = position > 0 ? Side.Sell : Side.Buy;
                    if (position != 0 && v >= 50) lots = Math.Min(lots, Math.Abs(position));
                }
                // most orders join their own side of the book (deep books); the rest land anywhere (trades)
                var offset = op.Mode < 6 ? (side == Side.Buy ? -Math.Abs(op.Offset) : Math.Abs(op.Offset)) : op.Offset;
                var price = Px(center + offset);
                var quantity = Qty(lots);
                var account = op.Account;
                var instrument = Instrument;
                var stp = op.Stp;
                switch (v)
                {
                    case 0: price += 1; break;                  // off tick
                    case 1: price = -price; break;              // not positive
                    case 2: quantity += 1; break;               // off lot
                    case 3: quantity = 0; break;                // not positive
                    case 4: account = 9; break;                 // unknown account
                    case 5: instrument = 7; break;              // unknown instrument
                    case 6: tif = (TimeInForce)4; break;        // invalid
                    case 7: stp = (SelfTradeMode)3; break;      // invalid
                    case 8: flags |= (OrderFlags)8; break;      // invalid
                    case 9: side = (Side)3; break;              // invalid
                }
                cmd = op.Kind == OpKind.Limit
                    ? Cmd.Limit(account, instrument, side, price, quantity, clientId, tif, flags, stp)
                    : Cmd.Market(account, instrument, side, quantity, clientId, tif, flags, stp);
                break;
            }
            case OpKind.Cancel:
            {
                var (account, id) = PickOrder(op, model);
                cmd = Cmd.Cancel(account, id, requestId: clientId);
                break;
            }
            case OpKind.Replace:
            {
                var (account, id) = PickOrder(op, model);
                var target = model.OpenOrders.FirstOrDefault(o => o.Id == id);
                var leaves = target.Id == 0 ? op.Lots : target.Leaves;
                var price = target.Id == 0 ? Px(center) : Px(target.PriceTicks);
                var (newPrice, newQuantity) = op.Mode switch
                {
                    0 => (0L, Qty(leaves > 1 ? leaves - 1 - op.Pick % (leaves - 1) : leaves + 1)), // smaller, same price
                    1 => (price, Qty(Math.Max(1, leaves - 1))),                                     // explicit same price
                    2 => (0L, Qty(leaves + 1 + op.Pick % 3)),                                         // larger
                    3 => (Px(center + op.Offset), 0L),                                              // move
                    4 => (Px(center + op.Offset), Qty(op.Lots)),                                    // move and resize
                    5 => (0L, 0L),                                                                  // nothing
                    6 => (price, Qty(leaves)),                                                      // nothing, explicitly
                    7 => (AggressivePrice(model, target, center), 0L),                              // cross the book
                    8 => (0L, Qty(op.Lots)),                                                        // resize, maybe to the same
                    _ => v % 2 == 0 ? (price + 1, 0L) : (0L, Qty(op.Lots) + 1),                      // off tick, off lot
                };
                cmd = Cmd.Replace(account, id, newPrice, newQuantity, requestId: clientId);
                break;
            }
            case OpKind.MassCancel:
            {
                var account = v < 3 ? 9 : op.Account;
                int? instrument = v < 6 ? 7 : v % 2 == 0 ? Instrument : null;
                cmd = Cmd.MassCancel(account, instrument, requestId: clientId);
                break;
            }
            case OpKind.Mark:
                cmd = Cmd.MarkPrice(v < 5 ? 7 : Instrument, Px(center + op.Offset) + (v < 15 ? op.Pick * 1_000 : 0));
                break;
            case OpKind.QueryBook:
                cmd = Cmd.QueryBook(v < 3 ? 7 : Instrument, v % 4 == 0 ? 0 : 1 + op.Pick % 5, requestId: clientId);
                break;
            default:
                throw new InvalidOperationException(op.Kind.ToString());
        }
        if (op.Kind != OpKind.Mark) cmd.SessionId = session;
        return cmd;
    }

    /// <summary>A target for a cancel or replace: mostly an open order of its owner; sometimes a dead, foreign or unknown id.</summary>
    private static (int Account, long Id) PickOrder(Op op, ReferenceBook model)
    {
        var open = model.OpenOrders;
        var v = op.Variant;
        if (v < 85 && open.Count > 0)
        {
            var target = open[op.Pick % open.Count];
            return (v < 80 ? target.Account : op.Account, target.Id);
        }
        if (v < 95 && model.OrdersAccepted > 0) return (op.Account, 1 + op.Pick % model.OrdersAccepted);
        return (op.Account, DifferentialRunner.UnknownOrderId);
    }

    /// <summary>A price for <paramref name="target"/> at or through the best opposite order, if there is one.</summary>
    private static long AggressivePrice(ReferenceBook model, ReferenceOrder target, long center)
    {
        var opposite = model.OpenOrders.Where(o => o.Side != target.Side).Select(o => o.PriceTicks).ToList();
        if (target.Id == 0 || opposite.Count == 0) return Px(center);
        return target.Side == Side.Buy ? Px(opposite.Min() + 1) : Px(opposite.Max() - 1);
    }
}
