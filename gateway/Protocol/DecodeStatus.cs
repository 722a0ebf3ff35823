namespace Engine.Gateway.Protocol;

/// <summary>The outcome of decoding a request body.</summary>
public enum DecodeStatus
{
    /// <summary>The command was filled in.</summary>
    Ok = 0,
    /// <summary>The type is not a request this server accepts.</summary>
    UnknownType = 1,
    /// <summary>The body length does not match the type: a framing error.</summary>
    BadLength = 2,
}
