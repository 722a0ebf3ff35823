using Engine.Commands;

namespace Engine.Gateway.Client;

/// <summary>The connection could not be opened or used: refused login, lost connection, protocol violation by the server.</summary>
/// <remarks>Business outcomes (an order rejected by the engine, a request refused by the gateway) are not exceptions: they are
/// <see cref="EngineResponse"/> values.</remarks>
public sealed class EngineClientException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public EngineClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public EngineClientException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a refusal by the server that carries a code (a refused login, a closing error frame).</summary>
    public EngineClientException(string message, RejectCode code, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The code of the server's <c>Error</c> frame that caused this, or <see cref="RejectCode.None"/>.</summary>
    public RejectCode Code { get; }
}
