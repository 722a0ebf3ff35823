namespace Engine.Gateway.Server.Configuration;

/// <summary>A collateral asset.</summary>
public sealed class AssetConfig
{
    /// <summary>Asset id (1 and up; 0 is USD).</summary>
    public int Id { get; set; }
    /// <summary>Name, for people.</summary>
    public string Name { get; set; } = "";
    /// <summary>Price in USD.</summary>
    public string Price { get; set; } = "1";
    /// <summary>Haircut, parts per million.</summary>
    public int HaircutPpm { get; set; }
}
