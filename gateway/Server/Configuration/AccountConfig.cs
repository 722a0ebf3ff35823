namespace Engine.Gateway.Server.Configuration;

/// <summary>An account created on first start.</summary>
public sealed class AccountConfig
{
    /// <summary>Account id.</summary>
    public int Id { get; set; }
    /// <summary>Name, used by keys.</summary>
    public string Name { get; set; } = "";
    /// <summary>Deposits by asset id ("0" is USD), in units of the asset.</summary>
    public Dictionary<string, string> Deposits { get; set; } = [];
}
