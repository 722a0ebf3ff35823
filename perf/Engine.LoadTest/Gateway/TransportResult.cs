namespace Engine.LoadTest.Gateway;

/// <summary>One transport's figures in one run: closed-loop round trip (ns) and the pipelined run.</summary>
/// <param name="Name">Transport.</param>
/// <param name="P50">Round trip p50, ns.</param>
/// <param name="P90">Round trip p90, ns.</param>
/// <param name="P99">Round trip p99, ns.</param>
/// <param name="P999">Round trip p99.9, ns.</param>
/// <param name="Max">Round trip max, ns.</param>
/// <param name="MessagesPerSecond">Pipelined answers per second.</param>
/// <param name="BytesPerMessage">Whole-process bytes allocated per pipelined message.</param>
/// <param name="Gen0">Gen-0 collections during the pipelined run.</param>
public sealed record TransportResult(string Name, long P50, long P90, long P99, long P999, long Max, double MessagesPerSecond, double BytesPerMessage, int Gen0);
