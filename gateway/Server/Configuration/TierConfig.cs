namespace Engine.Gateway.Server.Configuration;

/// <summary>A maintenance tier.</summary>
public sealed class TierConfig
{
    /// <summary>Upper notional bound, USD.</summary>
    public string NotionalCap { get; set; } = "0";
    /// <summary>Maintenance margin rate, ppm.</summary>
    public int MmrPpm { get; set; }
    /// <summary>Leverage cap in the tier.</summary>
    public ushort MaxLeverage { get; set; }
}
