using Engine.Commands;

namespace Gateway.Host;

/// <summary>
/// A load whose command <c>i</c> depends only on the seed and <c>i</c>, so an engine restarted at any sequence
/// continues the very same stream: the crash test kills and restarts an engine fed by it.
/// </summary>
internal static class CrashLoad
{
    public const int Accounts = 50;
    public const int Instrument = 1;
    private const long Tick = FixedPoint.PriceScale / 10;
    private const long Lot = FixedPoint.QuantityScale / 1000;

    /// <summary>Setup commands: the instrument, a mark, funded accounts.</summary>
    public static int SetupCount => 2 + 2 * Accounts;

    /// <summary>A checkpoint (Snapshot command) every this many commands.</summary>
    public const int CheckpointEvery = 5_000;

    public static Command At(int seed, long i)
    {
        if (i == 0) return Cmd.AddInstrument(Instrument, Tick, Lot, 1_000 * FixedPoint.QuantityScale, 200, 500, 2_000, 100, 16);
        if (i == 1) return Cmd.MarkPrice(Instrument, 50_000 * FixedPoint.PriceScale);
        if (i < SetupCount)
        {
            var a = (int)((i - 2) / 2) + 1;
            return (i - 2) % 2 == 0 ? Cmd.CreateAccount(a) : Cmd.Deposit(a, 0, 10_000_000L * FixedPoint.MoneyScale);
        }
        if (i % CheckpointEvery == 0) return Cmd.Snapshot(i);
        var random = new Random(HashCode.Combine(seed, i));
        var account = random.Next(1, Accounts + 1);
        var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
        var offset = random.Next(-5, 40);
        var price = (500_000 + (side == Side.Buy ? -offset : offset)) * Tick;
        var roll = random.Next(100);
        Command cmd;
        if (roll < 70) cmd = Cmd.Limit(account, Instrument, side, price, random.Next(1, 20) * Lot, i);
        else if (roll < 85) cmd = Cmd.Limit(account, Instrument, side, price, random.Next(1, 20) * Lot, i, TimeInForce.ImmediateOrCancel);
        else if (roll < 95) cmd = Cmd.MassCancel(account);
        else cmd = Cmd.MarkPrice(Instrument, (500_000 + random.Next(-50, 50)) * Tick);
        cmd.ReceiveTime = 1_764_000_000_000_000_000L + i;
        return cmd;
    }
}
