namespace Engine.Gateway.Server.Configuration;

/// <summary>A perpetual instrument.</summary>
public sealed class InstrumentConfig
{
    /// <summary>Instrument id.</summary>
    public int Id { get; set; }
    /// <summary>Name, for people.</summary>
    public string Name { get; set; } = "";
    /// <summary>Tick size.</summary>
    public string TickSize { get; set; } = "0.1";
    /// <summary>Lot size.</summary>
    public string LotSize { get; set; } = "0.001";
    /// <summary>Largest order quantity.</summary>
    public string MaxOrderQuantity { get; set; } = "100";
    /// <summary>Maker fee, ppm.</summary>
    public int MakerFeePpm { get; set; }
    /// <summary>Taker fee, ppm.</summary>
    public int TakerFeePpm { get; set; }
    /// <summary>Price band, basis points.</summary>
    public ushort BandBps { get; set; } = 500;
    /// <summary>Leverage cap.</summary>
    public ushort MaxLeverage { get; set; } = 20;
    /// <summary>log2 of the book's price window (0: engine default).</summary>
    public byte LadderLog2 { get; set; }
    /// <summary>Initial mark price (optional).</summary>
    public string MarkPrice { get; set; } = "";
    /// <summary>Maintenance tiers, in increasing notional order.</summary>
    public List<TierConfig> Tiers { get; set; } = [];
}
