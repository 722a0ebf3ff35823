using Engine.Commands;
using Engine.Events;
using Engine.Logic;

namespace Engine.Tests.Support;

/// <summary>
/// A seeded random command stream that exercises every order path: GTC/IOC/FOK/market/post-only/reduce-only
/// orders, cancels, replaces, mass cancels, marks and queries, against live order ids.
/// </summary>
/// <remarks>
/// Order ids are engine-assigned, so the stream is generated online against a private engine and the
/// recorded commands then replay identically on any fresh engine (the engine is deterministic).
/// </remarks>
public static class MixedStream
{
    public const int Accounts = 16;

    /// <summary>Collateral per account in the risky variant: 10 USD at 50x, so shocks liquidate.</summary>
    public const long ThinCollateral = 10 * FixedPoint.MoneyScale;

    public static Command[] Setup(bool risky = false)
    {
        var list = new List<Command>
        {
            Cmd.AddInstrument(LogicHarness.Instrument, LogicHarness.Tick, LogicHarness.Lot, LogicHarness.Qty(1_000_000),
                makerFeePpm: -100, takerFeePpm: 400, bandBps: 2000, maxLeverage: 100, ladderLog2: 14),
            Cmd.MarkPrice(LogicHarness.Instrument, LogicHarness.Px(10_000)),
        };
        for (var a = 1; a <= Accounts; a++)
        {
            list.Add(Cmd.CreateAccount(a));
            list.Add(Cmd.Deposit(a, 0, risky ? ThinCollateral : LogicHarness.AmpleCollateral));
            if (!risky) continue;
            list.Add(Cmd.SetLeverage(a, LogicHarness.Instrument, 50));
            if (a % 2 == 0) list.Add(Cmd.SetMarginMode(a, LogicHarness.Instrument, MarginMode.Isolated));
        }
        return list.ToArray();
    }

    /// <summary>
    /// The stream. <paramref name="risky"/>: thin collateral at 50x, half the accounts isolated, marks that
    /// jump 2–6% now and then, refunding deposits: liquidations, takeovers and auto-deleveraging happen.
    /// </summary>
    public static Command[] Generate(int seed, int count, bool risky = false)
    {
        var random = new Random(seed);
        var harness = new LogicHarness(checkInvariants: false);
        foreach (var c in Setup(risky)) harness.Send(c);
        var live = new List<(long Id, int Account)>();
        var liveIndex = new Dictionary<long, int>();
        var commands = new Command[count];
        long mid = 10_000;
        for (var i = 0; i < count; i++)
        {
            var account = random.Next(1, Accounts + 1);
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            // bias so that buys sit below mid and sells above, with some crossing
            var offset = random.Next(-3, 25);
            var price = LogicHarness.Px(side == Side.Buy ? mid - offset : mid + offset);
            var qty = LogicHarness.Qty(risky ? random.Next(10, 100) : random.Next(1, 10));
            var roll = random.Next(1000);
            Command cmd;
            if (roll < 350 || live.Count < 50)
                cmd = Cmd.Limit(account, LogicHarness.Instrument, side, price, qty, i,
                    flags: random.Next(20) == 0 ? OrderFlags.PostOnly : OrderFlags.None,
                    stp: (SelfTradeMode)random.Next(3));
            else if (roll < 400) cmd = Cmd.Limit(account, LogicHarness.Instrument, side, price, qty, i, TimeInForce.ImmediateOrCancel);
            else if (roll < 420) cmd = Cmd.Limit(account, LogicHarness.Instrument, side, price, qty, i, TimeInForce.FillOrKill);
            else if (roll < 440) cmd = Cmd.Market(account, LogicHarness.Instrument, side, qty, i);
            else if (roll < 460) cmd = Cmd.Limit(account, LogicHarness.Instrument, side, price, qty, i, flags: OrderFlags.ReduceOnly);
            else if (roll < 700)
            {
                var (id, owner) = live[random.Next(live.Count)];
                var np = LogicHarness.Px(mid + random.Next(-25, 26));
                cmd = Cmd.Replace(owner, id, random.Next(4) == 0 ? 0 : np, random.Next(3) == 0 ? qty : 0);
            }
            else if (roll < 940)
            {
                var (id, owner) = live[random.Next(live.Count)];
                cmd = Cmd.Cancel(random.Next(50) == 0 ? account : owner, random.Next(100) == 0 ? id + 1 : id);
            }
            else if (roll < 945) cmd = Cmd.MassCancel(account);
            else if (roll < 975)
            {
                mid += risky && random.Next(30) == 0 ? random.Next(200, 600) * (random.Next(2) == 0 ? -1 : 1) : random.Next(-2, 3);
                mid = Math.Clamp(mid, 8_000, 12_000);
                cmd = Cmd.MarkPrice(LogicHarness.Instrument, LogicHarness.Px(mid));
            }
            else if (risky && roll < 980) cmd = Cmd.Deposit(account, 0, ThinCollateral);
            else if (risky && roll < 982) cmd = Cmd.Deposit(ExchangeLogic.InsuranceAccount, 0, random.Next(0, 20) * FixedPoint.MoneyScale + 1);
            else if (risky && roll < 984 && harness.Logic.Accounts.Balance[0] > 0)
                cmd = Cmd.Withdraw(ExchangeLogic.InsuranceAccount, 0, harness.Logic.Accounts.Balance[0]); // an empty fund forces ADL
            else if (roll < 990) cmd = Cmd.QueryBook(LogicHarness.Instrument, 5);
            else cmd = Cmd.QueryAccount(account);
            cmd.ReceiveTime = 1_700_000_000_000_000_000L + i * 1000L;
            commands[i] = cmd;
            foreach (var e in harness.Send(cmd))
            {
                if (e.Type == EventType.Accepted && e.CommandType == CommandType.PlaceOrder) Add(e.OrderId, e.AccountId);
                else if (e.Type == EventType.Canceled || (e.Type == EventType.Fill && e.LeavesQuantity == 0)) Remove(e.OrderId);
            }
        }
        return commands;

        void Add(long id, int account)
        {
            liveIndex[id] = live.Count;
            live.Add((id, account));
        }

        void Remove(long id)
        {
            if (!liveIndex.Remove(id, out var at)) return; // an IOC that never rested
            var last = live[^1];
            live[at] = last;
            live.RemoveAt(live.Count - 1);
            if (last.Id != id) liveIndex[last.Id] = at;
        }
    }

    /// <summary>Runs setup plus stream through a fresh engine with the given sink; returns it.</summary>
    public static ExchangeLogic Run(Command[] stream, IEventSink sink, EngineConfig? config = null, bool risky = false)
    {
        var logic = new ExchangeLogic(config ?? new EngineConfig(), sink);
        long seq = 0;
        var setup = Setup(risky);
        for (var i = 0; i < setup.Length; i++) logic.Process(ref setup[i], ++seq);
        for (var i = 0; i < stream.Length; i++) logic.Process(ref stream[i], ++seq);
        logic.FlushEvents();
        return logic;
    }
}

/// <summary>Discards events without allocating.</summary>
public sealed class NullSink : IEventSink
{
    public long Count { get; private set; }

    public void Publish(ReadOnlySpan<OutputEvent> events) => Count += events.Length;
}
