using System.Reflection;
using Engine.LoadTest.Support;
using HdrHistogram;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Engine.LoadTest.Gateway;

/// <summary>
/// Which socket server for the gateway: the same request/response exchange served by raw sockets + pipelines (as the gateway
/// does) and by Kestrel's connection handler, next to a blocking ping-pong floor, from the same blocking-socket client.
/// </summary>
/// <remarks>
/// <code>
///  client (blocking socket) ── PlaceOrder frame, 48 B ──► (a) PingPongServer: one blocking thread, 48 B in, 208 zero bytes out (the floor)
///        ▲                                            ├─► (b) Socket + StreamPipeReader → FrameAnswerer → Pipe (inline) → send loop
///        └──────── Accepted + Canceled, 208 B ◄───────┴─► (c) Kestrel ConnectionHandler: Transport.Input → FrameAnswerer → Transport.Output
/// </code>
/// Each run measures every transport on a fresh server: a closed-loop round trip (one request outstanding), then one client
/// pipelining in batches of 256 with a bounded number in flight while a receiver thread counts the answers; the whole
/// process's allocation during the pipelined run is divided by the messages. The floor is measured first; the order of
/// the others rotates from run to run (the machine is shared and noisy), and the report gives each run and the medians.
/// <c>--scenario inline</c> adds Kestrel with <c>UnsafePreferInlineScheduling</c> (its socket transport's low-latency switch).
/// </remarks>
public sealed class TransportComparisonTest : ILoadTest
{
    private const int InFlight = 16_384;

    /// <inheritdoc/>
    public string Name => "transport";

    /// <inheritdoc/>
    public string Description => "socket server choice: raw ping-pong vs Socket + Pipelines (as the gateway) vs Kestrel ConnectionHandler [--runs N] [--scenario inline]";

    /// <inheritdoc/>
    public int RequiredProcessorCount => 1;

    /// <inheritdoc/>
    public int Run(LoadTestOptions options)
    {
        var quick = options.Quick;
        var warmup = quick ? 1_000 : 5_000;
        var roundTrips = quick ? 2_000 : 20_000;
        var pipelineWarmup = quick ? 10_000 : 50_000;
        var pipelined = quick ? 50_000 : 500_000;
        var floor = new TransportVariant("blocking ping-pong", () =>
        {
            var s = new PingPongServer(FrameAnswerer.RequestBytes, FrameAnswerer.ResponseBytes);
            return (s, s.Port);
        }, Framed: false);
        List<TransportVariant> compared =
        [
            new("socket + pipelines", () =>
            {
                var s = new PipeSocketServer();
                return (s, s.Port);
            }, Framed: true),
            new("kestrel handler", () =>
            {
                var s = new KestrelFrameServer();
                return (s, s.Port);
            }, Framed: true),
        ];
        if (options.Scenario == "inline")
        {
            compared.Add(new("kestrel, inline sched.", () =>
            {
                var s = new KestrelFrameServer(inlineScheduling: true);
                return (s, s.Port);
            }, Framed: true));
        }
        else if (options.Scenario != null)
        {
            throw new ArgumentException($"--scenario {options.Scenario}: only 'inline' (adds Kestrel with inline scheduling)");
        }

        foreach (var line in MachineInfo.Describe()) Console.WriteLine(line);
        Console.WriteLine($"servers           in process, loopback TCP, NoDelay; Kestrel {KestrelVersion()} (ASP.NET Core shared framework), minimal hosting, default socket transport");
        Console.WriteLine($"exchange          48-byte PlaceOrder frame in, 208 bytes out (Accepted + Canceled event frames; zeros from the ping-pong)");
        Console.WriteLine($"per transport     {roundTrips:N0} round trips after {warmup:N0} warm-up; then {pipelined:N0} pipelined after {pipelineWarmup:N0} warm-up, 256 frames per send, ≤ {InFlight:N0} in flight");
        Console.WriteLine($"runs              {options.Runs}: the floor first, then the others in an order rotating from run to run");
        Console.WriteLine();

        var results = new List<TransportResult>[compared.Count + 1];
        for (var i = 0; i < results.Length; i++) results[i] = [];
        for (var run = 0; run < options.Runs; run++)
        {
            var order = new List<int> { 0 };
            for (var k = 0; k < compared.Count; k++) order.Add(1 + (k + run) % compared.Count);
            var variants = order.Select(i => i == 0 ? floor : compared[i - 1]).ToList();
            Console.WriteLine($"── run {run + 1} of {options.Runs}: {string.Join(", then ", variants.Select(v => v.Name))} ──");
            PrintHeader();
            foreach (var i in order)
            {
                var variant = i == 0 ? floor : compared[i - 1];
                var result = Measure(variant, warmup, roundTrips, pipelineWarmup, pipelined);
                results[i].Add(result);
                Print(result);
            }
            Console.WriteLine(LoadAverage());
            Console.WriteLine();
        }

        Console.WriteLine($"── medians over {options.Runs} run(s) (each column on its own) ──");
        PrintHeader();
        var medians = results.Select(Median).ToArray();
        foreach (var m in medians) Print(m);
        Console.WriteLine("(round trip in µs; pipelined in messages/s; allocation: whole process during the pipelined run, per message)");
        Console.WriteLine();
        var pipes = medians[1];
        Console.WriteLine($"p50 over the floor: {string.Join("; ", medians.Skip(1).Select(m => $"{m.Name} {m.P50 / (double)medians[0].P50:F2}×"))}");
        foreach (var other in medians.Skip(2))
        {
            Console.WriteLine($"{other.Name} vs {pipes.Name}: p50 {other.P50 / (double)pipes.P50:F2}×, p99 {other.P99 / (double)pipes.P99:F2}×, " +
                $"throughput {other.MessagesPerSecond / pipes.MessagesPerSecond:F2}×, allocation {other.BytesPerMessage:F1} vs {pipes.BytesPerMessage:F1} B/message");
        }
        Console.WriteLine();
        Console.WriteLine($"── who allocates: one more pipelined run of {pipelined:N0} per server with an allocation sampler (not in the tables above) ──");
        foreach (var variant in compared) SampleAllocations(variant, pipelineWarmup, pipelined);
        return 0;
    }

    private static void SampleAllocations(TransportVariant variant, int pipelineWarmup, int pipelined)
    {
        var (server, port) = variant.Start();
        try
        {
            using var client = new TransportBenchClient(port);
            client.Pipeline(pipelineWarmup, InFlight);
            using var sampler = new AllocationSampler();
            var (_, allocated, _) = client.Pipeline(pipelined, InFlight);
            Console.WriteLine($"{variant.Name}: {allocated / (double)pipelined:F1} B per message");
            foreach (var (type, bytes) in sampler.Top(5)) Console.WriteLine($"  sampled {bytes,14:N0} B  {type}");
        }
        finally
        {
            server.Dispose();
        }
    }

    private static TransportResult Measure(TransportVariant variant, int warmup, int roundTrips, int pipelineWarmup, int pipelined)
    {
        var (server, port) = variant.Start();
        try
        {
            using var client = new TransportBenchClient(port);
            var histogram = client.RoundTrips(warmup, roundTrips, variant.Framed);
            client.Pipeline(pipelineWarmup, InFlight);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var (rate, allocated, gen0) = client.Pipeline(pipelined, InFlight);
            return new TransportResult(variant.Name, histogram.GetValueAtPercentile(50), histogram.GetValueAtPercentile(90),
                histogram.GetValueAtPercentile(99), histogram.GetValueAtPercentile(99.9), histogram.GetMaxValue(), rate,
                allocated / (double)pipelined, gen0);
        }
        finally
        {
            server.Dispose();
        }
    }

    private static TransportResult Median(List<TransportResult> runs) => new(runs[0].Name,
        Median(runs.Select(r => (double)r.P50)), Median(runs.Select(r => (double)r.P90)), Median(runs.Select(r => (double)r.P99)),
        Median(runs.Select(r => (double)r.P999)), Median(runs.Select(r => (double)r.Max)), MedianOf(runs.Select(r => r.MessagesPerSecond)),
        MedianOf(runs.Select(r => r.BytesPerMessage)), (int)Median(runs.Select(r => (double)r.Gen0)));

    private static long Median(IEnumerable<double> values) => (long)MedianOf(values);

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void PrintHeader() =>
        Console.WriteLine("transport                    p50      p90      p99    p99.9      max   pipelined msg/s   B/msg  gen0");

    private static void Print(TransportResult r) =>
        Console.WriteLine($"{r.Name,-23} {Us(r.P50)} {Us(r.P90)} {Us(r.P99)} {Us(r.P999)} {Us(r.Max)} {r.MessagesPerSecond,17:N0} {r.BytesPerMessage,7:F1} {r.Gen0,5}");

    private static string Us(long nanos) => $"{nanos / 1000.0,8:F1}";

    private static string KestrelVersion()
    {
        var version = typeof(KestrelServerOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? $"load average after the run: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}" : "";
}
