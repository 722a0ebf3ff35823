namespace Engine.Gateway.Server.Configuration;

/// <summary>A configuration that cannot be used; the message names the entry.</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigurationException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
