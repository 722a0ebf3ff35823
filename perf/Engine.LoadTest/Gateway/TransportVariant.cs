namespace Engine.LoadTest.Gateway;

/// <summary>One way of serving the transport test: a name, and how to start a server (disposed after its measurement).</summary>
/// <param name="Name">Label in the report.</param>
/// <param name="Start">Starts a server; returns it and its loopback port.</param>
/// <param name="Framed">True when the server answers with real event frames (checked during warm-up); the raw ping-pong answers zeros.</param>
public sealed record TransportVariant(string Name, Func<(IDisposable Server, int Port)> Start, bool Framed);
