namespace Engine.Logic;

/// <summary>Capacities and defaults of the business-logic processor.</summary>
/// <remarks>Tables start at their initial sizes and double, off the steady state, up to the maxima.</remarks>
public sealed class EngineConfig
{
    /// <summary>Instrument ids are 0 .. MaxInstruments-1.</summary>
    public int MaxInstruments { get; init; } = 256;
    /// <summary>Account ids are 0 .. MaxAccounts-1.</summary>
    public int MaxAccounts { get; init; } = 1 << 22;
    /// <summary>Initial size of the account table.</summary>
    public int InitialAccounts { get; init; } = 1024;
    /// <summary>Asset ids are 0 .. MaxAssets-1; asset 0 is the settlement asset (USD), defined at start.</summary>
    public int MaxAssets { get; init; } = 8;
    /// <summary>Initial size of the order table.</summary>
    public int InitialOrders { get; init; } = 1 << 16;
    /// <summary>Most open orders the engine holds; a new order beyond it is refused.</summary>
    public int MaxOrders { get; init; } = 1 << 26;
    /// <summary>Initial size of the position table.</summary>
    public int InitialPositions { get; init; } = 1 << 12;
    /// <summary>Events buffered before they are handed to the sink (also flushed at the end of every batch).</summary>
    public int EventBufferSize { get; init; } = 512;
    /// <summary>log2 of the price-ladder size of a book when AddInstrument leaves it 0.</summary>
    public int DefaultLadderLog2 { get; init; } = 16;
    /// <summary>Leverage of an account on an instrument until it sets one (capped by the instrument).</summary>
    public int DefaultLeverage { get; init; } = 20;
    /// <summary>Most levels per side a book query returns.</summary>
    public int MaxQueryDepth { get; init; } = 1000;

    /// <summary>Throws when a value is out of its domain.</summary>
    public void Validate()
    {
        if (MaxInstruments < 1 || MaxAccounts < 1 || MaxAssets < 1 || InitialAccounts < 1)
            throw new ArgumentException("capacities must be positive");
        if (InitialOrders < 1 || MaxOrders < InitialOrders) throw new ArgumentException("order capacities are inconsistent");
        if (EventBufferSize < 16) throw new ArgumentException("event buffer must hold at least 16 events");
        if (DefaultLadderLog2 < 6 || DefaultLadderLog2 > 24) throw new ArgumentException("ladder log2 must be 6..24");
        if (DefaultLeverage < 1) throw new ArgumentException("default leverage must be at least 1");
    }
}
