namespace Engine.Gateway.Client;

/// <summary>Settings of an <see cref="EngineClient"/> connection.</summary>
public sealed class EngineClientOptions
{
    /// <summary>The heartbeat interval to ask the server for, in milliseconds (0: the server's default; the server clamps it to 100..60000).</summary>
    public int HeartbeatMs { get; init; }

    /// <summary>How long <see cref="EngineClient.ConnectAsync"/> waits for the server's answer to the login.</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bytes written but not yet sent above which <see cref="EngineClient.FlushAsync"/> waits for the socket (back-pressure).</summary>
    /// <remarks><see cref="EngineClient.TrySend{T}"/> never waits: a producer that does not flush can buffer beyond this.</remarks>
    public int SendBufferLimit { get; init; } = 1024 * 1024;

    /// <summary>The first request id the client assigns to a request sent with id 0 through the awaitable API; later ones count up.</summary>
    /// <remarks>Keep the ids you choose yourself (client order ids sent with <see cref="EngineClient.TrySend{T}"/>) out of this range,
    /// or an engine response to one of them could be taken for the response to an awaitable request.</remarks>
    public long FirstAutoRequestId { get; init; } = 1_000_000_000_000;
}
