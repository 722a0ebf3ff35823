using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Client;
using Engine.Gateway.Protocol;
using Engine.Gateway.Server;
using Engine.Gateway.Server.Configuration;
using Engine.LoadTest.Bench;
using Engine.LoadTest.Bench.Report;
using Engine.LoadTest.Support;
using Engine.Ring;
using HdrHistogram;
using Journal;

namespace Engine.LoadTest.Gateway;

/// <summary>
/// Place-to-acknowledgement over TCP through the gateway, next to a raw socket ping-pong measured in the same run.
/// </summary>
/// <remarks>
/// <code>
///  client thread(s) ── PlaceOrder frame (48 B) ──► gateway read loop ─► input ring ─┬─► logic ─► output ring ─► publisher
///        ▲                                                                          └─► journal (durability) ──┘   │
///        └──────────── Accepted (104 B) + Canceled (104 B) ◄── session send loop ◄── session pipe ◄──────────────┘
///  baseline: client ── 48 B ──► PingPongServer (one blocking thread) ── 208 B ──► client
/// </code>
/// Orders are immediate-or-cancel buys below an empty ask side: each is answered by Accepted then Canceled and leaves
/// no state behind, so every scenario can run for as long as it likes. The server runs in this process with the
/// chosen wait strategy and durability (journal in a temporary directory). Scenarios (<c>--scenario</c>):
/// <c>rtt</c> one outstanding order at a time vs the raw ping-pong; <c>rates</c> open-loop at fixed rates with
/// latency measured from each order's intended send time (coordinated omission corrected), stopping where the
/// server saturates; <c>pipeline</c> one client keeping up to 20,000 orders in flight; <c>clients</c> 100
/// connections, one outstanding order each. Goals: p50 ≤ 1.3× raw, pipelining ≥ 1M orders/s.
/// </remarks>
public sealed class GatewayTcpTest : ILoadTest
{
    private const long HighestNanos = 60_000_000_000; // histograms in ns up to 60 s: a stall on a loaded machine must not overflow them
    private const int BenchAccounts = 100;
    private const int FirstBenchAccount = 100;
    private const int RequestBytes = FrameHeader.Size + PlaceOrderMessage.Size;
    private const int ResponseBytes = 2 * (FrameHeader.Size + EventMessage.Size);

    /// <inheritdoc/>
    public string Name => "tcp";

    /// <inheritdoc/>
    public string Description => "gateway over loopback TCP: round trip vs raw ping-pong, fixed rates, pipelining, 100 clients [--scenario rtt|rates|pipeline|clients] [--wait W] [--durability D]";

    /// <inheritdoc/>
    public int RequiredProcessorCount => 1;

    /// <inheritdoc/>
    public int Run(LoadTestOptions options)
    {
        foreach (var line in MachineInfo.Describe()) Console.WriteLine(line);
        Console.WriteLine($"server            in process, wait strategy {options.Wait}, journal durability {options.Durability}, rings 64K in / 128K out");
        Console.WriteLine();
        var directory = Path.Combine(Path.GetTempPath(), $"engine-tcp-bench-{Environment.ProcessId}");
        var server = StartServer(options, directory);
        var ok = true;
        try
        {
            var scenario = options.Scenario ?? "all";
            if (scenario is "all" or "rtt") ok &= RoundTrip(server.Port, options.Quick);
            if (scenario is "all" or "rates") ok &= FixedRates(server.Port, options.Quick);
            if (scenario is "all" or "pipeline") ok &= Pipeline(server.Port, options.Quick);
            if (scenario is "all" or "pipeline-client") ok &= PipelineClientLibrary(server.Port, options.Quick);
            if (scenario is "all" or "clients") ok &= ManyClients(server.Port, options.Quick);
        }
        finally
        {
            server.StopAsync().GetAwaiter().GetResult();
            Directory.Delete(directory, recursive: true);
        }
        return ok ? 0 : 1;
    }

    /// <summary>The harness's <c>tcp</c> suite: round trip vs raw ping-pong, exchange-core's rates open loop, one client pipelining.</summary>
    public static void RunBench(BenchReport report, LoadTestOptions options)
    {
        report.Configuration["server"] = "in process, loopback TCP, rings 64K in / 128K out, journal in a temporary directory";
        report.Configuration["wait strategy"] = options.Wait;
        report.Configuration["durability"] = options.Durability;
        report.Configuration["layout"] = options.Layout;
        report.Configuration["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        report.Configuration["orders"] = "IOC buys below an empty ask side: Accepted then Canceled, no state left behind";
        report.Configuration["rates"] = "open loop from one connection, latency from each order's intended send time to its Accepted (coordinated omission corrected), first 20% unrecorded";
        var directory = Path.Combine(Path.GetTempPath(), $"engine-tcp-bench-{Environment.ProcessId}");
        var server = StartServer(options, directory);
        try
        {
            RoundTrip(server.Port, options.Quick, report);
            FixedRates(server.Port, options.Quick, OpenLoop.Rates, report);
            Pipeline(server.Port, options.Quick, report);
        }
        finally
        {
            server.StopAsync().GetAwaiter().GetResult();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static GatewayServer StartServer(LoadTestOptions options, string directory)
    {
        var config = ServerConfiguration.LoadDefault();
        for (var i = 0; i < BenchAccounts; i++)
        {
            var id = FirstBenchAccount + i;
            config.Accounts.Add(new AccountConfig { Id = id, Name = $"bench-{i}", Deposits = { ["0"] = "1000000" } });
            config.Keys.Add(new KeyConfig { Key = $"bench-key-{i}", Roles = ["trader"], Accounts = [$"bench-{i}"] });
        }
        var keys = config.ToOptions().Keys;
        Func<IWaitStrategy> wait = options.Wait switch
        {
            "blocking" => () => new BlockingWaitStrategy(),
            "sleeping" => () => new SleepingWaitStrategy(),
            "yielding" => () => new YieldingWaitStrategy(),
            "spin" => () => new BusySpinWaitStrategy(),
            _ => throw new ArgumentException($"--wait {options.Wait}: blocking, sleeping, yielding or spin"),
        };
        var durability = Enum.Parse<JournalDurability>(options.Durability, ignoreCase: true);
        var server = GatewayServer.Start(new ServerOptions
        {
            Port = 0,
            Keys = keys,
            DataDirectory = durability == JournalDurability.None && options.Durability == "off" ? null : directory,
            Durability = durability,
            InputWait = wait,
            OutputWait = wait,
            Layout = new PipelineSetup(options.Wait, options.Durability, options.Layout).PipelineLayout,
        }, config.SetupCommands());
        // wait for the setup to be processed before measuring
        using (var probe = new BenchConnection(server.Port, "bench-key-0")) probe.ReadResponseTo(BenchConnection.IocBuy(FirstBenchAccount, 1));
        return server;
    }

    private static bool RoundTrip(int port, bool quick, BenchReport? report = null)
    {
        var count = quick ? 5_000 : 50_000;
        var warmup = quick ? 2_000 : 10_000;
        Console.WriteLine($"── round trip, one order outstanding ({count:N0} measured after {warmup:N0} warm-up) ──");
        var raw = new LongHistogram(HighestNanos, 3);
        using (var pingPong = new PingPongServer(RequestBytes, ResponseBytes))
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            socket.Connect(new IPEndPoint(IPAddress.Loopback, pingPong.Port));
            var request = new byte[RequestBytes];
            var response = new byte[ResponseBytes];
            for (var i = 0; i < warmup + count; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                socket.Send(request);
                var got = 0;
                while (got < ResponseBytes) got += socket.Receive(response, got, ResponseBytes - got, SocketFlags.None);
                if (i >= warmup) raw.RecordValue(Nanos(Stopwatch.GetTimestamp() - t0));
            }
        }
        var engine = new LongHistogram(HighestNanos, 3);
        GcReport gc;
        using (var connection = new BenchConnection(port, "bench-key-0"))
        {
            var window = MeasuredWindow.Begin();
            for (var i = 0; i < warmup + count; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var e = connection.ReadResponseTo(BenchConnection.IocBuy(FirstBenchAccount, 1_000 + i));
                if (i >= warmup) engine.RecordValue(Nanos(Stopwatch.GetTimestamp() - t0));
                if (e.Type != EventType.Accepted) throw new InvalidOperationException($"order refused: {(RejectCode)e.Code}");
                connection.ReadUntil(EventType.Canceled);
            }
            gc = window.End();
        }
        Console.WriteLine("                      p50        p90        p99      p99.9        max");
        Print("raw ping-pong", raw);
        Print("gateway place→ack", engine);
        var ratio = (double)engine.GetValueAtPercentile(50) / raw.GetValueAtPercentile(50);
        Console.WriteLine($"p50 ratio gateway / raw: {ratio:F2}× (goal ≤ 1.3×) {(ratio <= 1.3 ? "met" : "NOT met")}; client thread {gc}");
        if (report != null)
        {
            report.Series.Add(LatencySeries.From("raw socket ping-pong (baseline)", "tcp-raw", raw, 0, 0, false, default));
            report.Series.Add(LatencySeries.From("gateway place→ack, closed loop", "tcp", engine, 0, 0, false, gc));
            report.Figures.Add(new Figure("TCP round trip p50, gateway / raw ping-pong", ratio, "ratio", "≤ 1.3", ratio <= 1.3));
            report.Figures.Add(new Figure("TCP round trip p50, gateway", engine.GetValueAtPercentile(50), "ns"));
            report.Figures.Add(new Figure("TCP round trip p50, raw ping-pong", raw.GetValueAtPercentile(50), "ns"));
        }
        Console.WriteLine();
        return true;
    }

    private static bool FixedRates(int port, bool quick, long[]? benchRates = null, BenchReport? report = null)
    {
        long[] rates = benchRates ?? (quick ? [10_000, 50_000] : [10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000]);
        var seconds = report != null ? (quick ? 0.25 : 2.0) : quick ? 0.5 : 3.0;
        Console.WriteLine($"── open loop at fixed rates, {seconds} s each, latency from the intended send time (coordinated omission corrected) ──");
        Console.WriteLine("rate/s       achieved/s        p50        p90        p99      p99.9     p99.99        max");
        using var connection = new BenchConnection(port, "bench-key-1");
        long nextId = 1_000_000;
        foreach (var rate in rates)
        {
            var total = (int)(rate * seconds);
            var intended = new long[total];
            var histogram = new LongHistogram(HighestNanos, 3);
            var firstId = nextId;
            nextId += total;
            var warm = total / 5;
            Exception? lost = null;
            var acked = 0;
            var receiver = new Thread(() =>
            {
                try
                {
                    while (acked < total)
                    {
                        if (connection.ReadFrame(out var e) != MessageType.Event || e.Type != EventType.Accepted) continue;
                        var i = (int)(e.ClientOrderId - firstId);
                        acked++;
                        if (i >= warm) histogram.RecordValue(Math.Max(0, Nanos(Stopwatch.GetTimestamp() - Volatile.Read(ref intended[i]))));
                    }
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                    lost = ex; // the server cut the connection off (a client that does not read fast enough is a slow consumer)
                }
            }) { Name = "receiver" };
            var gen = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            receiver.Start();
            var interval = Stopwatch.Frequency / (double)rate;
            var start = Stopwatch.GetTimestamp();
            var sent = 0;
            while (sent < total)
            {
                var now = Stopwatch.GetTimestamp();
                var due = Math.Min(total, (int)((now - start) / interval) + 1);
                if (due <= sent)
                {
                    Thread.Yield(); // two cores: give the server's threads the core rather than spin
                    continue;
                }
                while (sent < due && !connection.SendBufferFull)
                {
                    Volatile.Write(ref intended[sent], start + (long)(sent * interval));
                    connection.Add(BenchConnection.IocBuy(FirstBenchAccount + 1, firstId + sent));
                    sent++;
                }
                try
                {
                    connection.Send();
                }
                catch (SocketException ex)
                {
                    lost ??= ex;
                    break;
                }
            }
            receiver.Join();
            if (lost != null)
            {
                var message = $"tcp {OpenLoop.RateLabel(rate)}/s: the server cut the connection off after {acked:N0} of {total:N0} answers " +
                    $"(its outbound buffer passed the slow-consumer limit: the client did not read {rate:N0} answers/s fast enough); higher rates not run";
                Console.WriteLine(message);
                report?.Flags.Add(message);
                break;
            }
            var elapsed = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            var achieved = total / elapsed;
            Console.WriteLine($"{rate,10:N0} {achieved,12:N0} {Us(histogram, 50)} {Us(histogram, 90)} {Us(histogram, 99)} {Us(histogram, 99.9)} {Us(histogram, 99.99)} {Us(histogram.GetMaxValue())}");
            var saturated = report != null ? OpenLoop.IsSaturated(rate, achieved) : achieved < rate * 0.9;
            if (report != null)
            {
                var gc = new GcReport(GC.CollectionCount(0) - gen.Item1, GC.CollectionCount(1) - gen.Item2, GC.CollectionCount(2) - gen.Item3, 0);
                report.Series.Add(LatencySeries.From($"tcp {OpenLoop.RateLabel(rate)}/s", "tcp", histogram, rate, achieved, saturated, gc));
                if (saturated) report.Flags.Add($"tcp {OpenLoop.RateLabel(rate)}/s: saturated ({achieved:N0}/s achieved); higher rates not run");
            }
            if (saturated)
            {
                Console.WriteLine($"saturated: {achieved:N0} orders/s achieved at a target of {rate:N0}/s; higher rates skipped");
                break;
            }
        }
        Console.WriteLine("(latencies in µs)");
        Console.WriteLine();
        return true;
    }

    private static bool Pipeline(int port, bool quick, BenchReport? report = null)
    {
        var total = quick ? 200_000 : 2_000_000;
        const int inFlight = 20_000; // × 208 answer bytes stays under the server's 8 MiB slow-consumer limit
        Console.WriteLine($"── one client pipelining {total:N0} orders (up to {inFlight:N0} in flight, 256 frames per send) ──");
        using var connection = new BenchConnection(port, "bench-key-2");
        long acked = 0;
        var receiver = new Thread(() =>
        {
            while (Volatile.Read(ref acked) < total)
                if (connection.ReadFrame(out var e) == MessageType.Event && e.Type is EventType.Accepted or EventType.Rejected) Volatile.Write(ref acked, acked + 1);
        }) { Name = "receiver" };
        using var sampler = new AllocationSampler();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen0Before = GC.CollectionCount(0);
        var start = Stopwatch.GetTimestamp();
        receiver.Start();
        var sent = 0;
        while (sent < total)
        {
            if (sent - Volatile.Read(ref acked) > inFlight)
            {
                Thread.Yield();
                continue;
            }
            var batch = Math.Min(256, total - sent);
            for (var i = 0; i < batch; i++) connection.Add(BenchConnection.IocBuy(FirstBenchAccount + 2, 10_000_000 + sent + i));
            connection.Send();
            sent += batch;
        }
        receiver.Join();
        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        var rate = total / seconds;
        Console.WriteLine($"{total:N0} orders acknowledged in {seconds:F2} s: {rate:N0} orders/s (goal ≥ 1,000,000) {(rate >= 1_000_000 ? "met" : "NOT met")}");
        report?.Figures.Add(new Figure("TCP, one client pipelining IOC orders", rate, "orders/s", "≥ 1,000,000", rate >= 1_000_000));
        // the bench client allocates nothing per order, so this is the server's allocation while it ran
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Console.WriteLine($"whole process during the run: {allocated:N0} B allocated ({allocated / (double)total:F1} B per order), {GC.CollectionCount(0) - gen0Before} gen0 collections");
        foreach (var (type, bytes) in sampler.Top(5)) Console.WriteLine($"  sampled allocations: {bytes,14:N0} B  {type}");
        Console.WriteLine();
        return true;
    }

    private static bool PipelineClientLibrary(int port, bool quick)
    {
        var total = quick ? 200_000 : 2_000_000;
        const int inFlight = 20_000;
        Console.WriteLine($"── the C# client library pipelining {total:N0} orders (EngineClient.TrySend, FlushAsync every 256; EventReceived counts answers) ──");
        var client = EngineClient.ConnectAsync("127.0.0.1", port, "bench-key-3").GetAwaiter().GetResult();
        long acked = 0;
        client.EventReceived += (in OutputEvent e) =>
        {
            if (e.Type is EventType.Accepted or EventType.Rejected) Interlocked.Increment(ref acked);
        };
        var start = Stopwatch.GetTimestamp();
        var window = MeasuredWindow.Begin();
        for (var sent = 0; sent < total;)
        {
            if (sent - Volatile.Read(ref acked) > inFlight)
            {
                Thread.Yield();
                continue;
            }
            var batch = Math.Min(256, total - sent);
            for (var i = 0; i < batch; i++)
                if (!client.TrySend(BenchConnection.IocBuy(FirstBenchAccount + 3, 30_000_000 + sent + i))) throw new IOException("disconnected");
            var flush = client.FlushAsync();
            if (!flush.IsCompletedSuccessfully) flush.AsTask().GetAwaiter().GetResult();
            sent += batch;
        }
        while (Volatile.Read(ref acked) < total) Thread.Yield();
        var gc = window.End();
        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine($"{total:N0} orders acknowledged in {seconds:F2} s: {total / seconds:N0} orders/s; sending thread {gc}");
        Console.WriteLine();
        return true;
    }

    private static bool ManyClients(int port, bool quick)
    {
        const int clients = BenchAccounts;
        var seconds = quick ? 1.0 : 5.0;
        Console.WriteLine($"── {clients} concurrent clients, one order outstanding each, {seconds} s ──");
        var histograms = new LongHistogram[clients];
        var counts = new long[clients];
        var connections = new BenchConnection[clients];
        for (var c = 0; c < clients; c++) connections[c] = new BenchConnection(port, $"bench-key-{c}");
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var threads = new Thread[clients];
        for (var c = 0; c < clients; c++)
        {
            var client = c;
            histograms[c] = new LongHistogram(HighestNanos, 3);
            threads[c] = new Thread(() =>
            {
                var connection = connections[client];
                long id = 20_000_000;
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    connection.ReadResponseTo(BenchConnection.IocBuy(FirstBenchAccount + client, id++));
                    histograms[client].RecordValue(Nanos(Stopwatch.GetTimestamp() - t0));
                    connection.ReadUntil(EventType.Canceled);
                    counts[client]++;
                }
            }) { Name = $"client-{client}" };
        }
        var start = Stopwatch.GetTimestamp();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        var elapsed = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        var all = new LongHistogram(HighestNanos, 3);
        foreach (var h in histograms) all.Add(h);
        foreach (var connection in connections) connection.Dispose();
        Console.WriteLine($"{counts.Sum():N0} round trips in {elapsed:F2} s: {counts.Sum() / elapsed:N0} orders/s; slowest client {counts.Min():N0}, fastest {counts.Max():N0}");
        Console.WriteLine("                      p50        p90        p99      p99.9        max");
        Print("place→ack, all", all);
        Console.WriteLine();
        return true;
    }

    private static long Nanos(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));

    private static string Us(LongHistogram h, double percentile) => Us(h.GetValueAtPercentile(percentile));

    private static string Us(long nanos) => $"{nanos / 1000.0,10:F1}";

    private static void Print(string label, LongHistogram h) =>
        Console.WriteLine($"{label,-18} {Us(h, 50)} {Us(h, 90)} {Us(h, 99)} {Us(h, 99.9)} {Us(h.GetMaxValue())}  (µs)");
}
