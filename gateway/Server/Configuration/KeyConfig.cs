namespace Engine.Gateway.Server.Configuration;

/// <summary>A login key.</summary>
public sealed class KeyConfig
{
    /// <summary>The secret.</summary>
    public string Key { get; set; } = "";
    /// <summary>trader, price-feed, admin.</summary>
    public List<string> Roles { get; set; } = [];
    /// <summary>Account names or ids the key may trade.</summary>
    public List<string> Accounts { get; set; } = [];
}
