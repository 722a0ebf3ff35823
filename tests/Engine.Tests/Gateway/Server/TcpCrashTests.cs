using System.Diagnostics;
using Engine.Gateway.Client;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using Engine.Tests.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>
/// A real crash test through the TCP server: <c>engine-host serve</c> runs as a child process with a journal, four traders
/// stream orders and cancels over TCP while an admin asks for snapshots, and the child is killed with SIGKILL at a random
/// moment, restarted on the same directory, checked, and loaded again, run after run. No order whose Accepted a client
/// received may be lost; an order that was only sent may or may not survive.
/// </summary>
/// <remarks>
/// <para>The flows (<see cref="CrashRole"/>) are built so that the expected book is known exactly: alice's bids, bob's asks
/// and carol's resting bids can never trade, so each one acknowledged and not canceled must come back open, whole. Only
/// carol's IOC orders trade, only against the maker, in one direction per run; fills of commands journaled but not yet
/// released at the kill are invisible to the clients, so positions are checked between what was seen and what was sent.</para>
/// <para>After each kill, before the restart: every event any client received (answers, fills, cancels, query rows) must be
/// produced, byte for byte, by an offline replay of the journal from its first command; and the server's own recovery
/// (newest snapshot plus the journal after it) of a copy of the directory must reach the replay's state and event hashes.
/// After the restart, the server's first command is an admin Snapshot whose answer carries its recovered hashes and
/// numbering, which must be the replay's; then each account's QueryAccount is reconciled with what its trader knew
/// (<see cref="CrashTrader.Reconcile"/>), and the next run continues from there with new client order ids.</para>
/// <para>A SIGKILL keeps what the host handed to the OS, so a result released a few microseconds before its journal write
/// is exposed only if the kill lands in between: <see cref="KillMode.OnAnswer"/> aims there. Lost buffered journal bytes
/// (durability none), recovery and torn-tail bugs, and anything that drops or alters an acknowledged command fail
/// deterministically.</para>
/// </remarks>
[Category("Crash")]
public class TcpCrashTests
{
    private const long SnapshotRequestBase = 500_000_000_000; // below the clients' automatic request ids (10^12 up)

    private static readonly TimeSpan _hang = TimeSpan.FromSeconds(60); // hang detectors only: nothing here is timed

    [Test]
    public Task ShouldKeepEveryAcknowledgedOrderWhenTheServerIsKilledEightTimes() => RunAsync(kills: 8, "flush", defaultSeed: 20_260_301);

    [Test]
    [Category("LongCrash")]
    [Explicit("long soak: 60 kills with fsync; run with --filter Category=LongCrash")]
    public Task ShouldKeepEveryAcknowledgedOrderWhenTheServerIsKilledSixtyTimesWithFsync() => RunAsync(kills: 60, "fsync", defaultSeed: 20_260_302);

    private static async Task RunAsync(int kills, string durability, int defaultSeed)
    {
        var seed = TestSeed.Get(defaultSeed);
        var random = new Random(seed);
        var dll = HostProcess.HostDll();
        using var directory = new JournalDirectory();
        TestContext.Out.WriteLine($"{kills} kills, durability {durability}, data {directory.Path}");
        CrashTrader[] traders =
        [
            new("alice", AliceKey, Alice, CrashRole.RestingBuyer, seed + 1),
            new("bob", BobKey, Bob, CrashRole.RestingSeller, seed + 2),
            new("maker", MakerKey, Maker, CrashRole.Maker, seed + 3),
            new("carol", CarolKey, Carol, CrashRole.Taker, seed + 4),
        ];
        var (maker, taker) = (traders[2], traders[3]);
        var received = new ReceivedEvents();
        var ended = new RunEnd(0, 0, 0, 0, 0);
        JournalAudit? audit = null;
        HostProcess? host = null;
        try
        {
            for (var run = 0; run <= kills; run++)
            {
                var when = $"run {run} (seed {seed})";
                host = HostProcess.Start(dll, directory.Path, durability);
                var port = await host.WaitListeningAsync(_hang);
                var admin = await EngineClient.ConnectAsync("127.0.0.1", port, AdminKey, CrashTrader.ClientOptions).WaitAsync(_hang);
                admin.EventReceived += received.Add;
                try
                {
                    // the restarted server against the journal it recovered from, then each account against what its trader knew
                    if (audit != null) await CheckRecoveredHashesAsync(admin, audit, traders.Max(t => t.MaxAnsweredSequence), when);
                    var reconciled = new (long Position, long UnseenFills, int Open, int Adopted)[traders.Length];
                    for (var i = 0; i < traders.Length; i++)
                    {
                        var answer = await admin.QueryAccountAsync(traders[i].Account).WaitAsync(_hang);
                        Assert.That(answer.Accepted, Is.True, $"{when}: {traders[i].Name}'s account query: {answer}");
                        reconciled[i] = traders[i].Reconcile(answer.Rows, when);
                    }
                    if (run > 0) CheckPositions(traders, reconciled[2].UnseenFills, ended, when);
                    TestContext.Out.WriteLine($"{when}: open orders " +
                        string.Join(", ", traders.Select((t, i) => $"{t.Name} {reconciled[i].Open} ({reconciled[i].Adopted} unanswered found open)")) +
                        $"; carol's position {taker.Position}");
                    if (run == kills)
                    {
                        host.Kill();
                        break;
                    }

                    // the load, and the kill at a random moment of it
                    var killAt = random.Next(300, 3_000);
                    var mode = (KillMode)random.Next(3);
                    var delay = random.NextInt64(Stopwatch.Frequency / 100);
                    using var kill = new KillSwitch(host, directory.Path, mode, killAt);
                    using var stop = new CancellationTokenSource();
                    foreach (var trader in traders) await trader.ConnectAsync(port, run, received.Add, kill.OnAnswer, _hang);
                    var snapshotSeed = random.Next();
                    var load = traders.Select(t => Task.Run(() => t.RunAsync(stop.Token)))
                        .Append(Task.Run(() => SnapshotsAsync(admin, snapshotSeed, kill.Armed, stop.Token))).ToArray();
                    await WaitForTheKillAsync(kill, mode, killAt, host, traders, load, when);
                    for (var until = Stopwatch.GetTimestamp() + delay; mode == KillMode.AfterDelay && Stopwatch.GetTimestamp() < until;) Thread.Yield();
                    host.Kill();
                    stop.Cancel();
                    await Task.WhenAll(load).WaitAsync(_hang);
                    foreach (var trader in traders) await trader.DisconnectAsync(_hang);
                    ended = new RunEnd(run, taker.Position, taker.SeenFillsThisRun, taker.UnresolvedImmediateQuantity(), maker.SeenFillsThisRun);
                    var moment = mode switch
                    {
                        KillMode.OnAnswer => $"on answer {killAt}",
                        KillMode.AfterDelay => $"{delay * 1000.0 / Stopwatch.Frequency:0.0} ms after answer {killAt}",
                        _ => kill.FellBack ? $"on answer {3 * killAt} (no snapshot file appeared)" : $"on the first snapshot file after answer {killAt}",
                    };
                    TestContext.Out.WriteLine($"{when}: killed {moment}; answers received: " +
                        string.Join(", ", traders.Select(t => $"{t.Name} {t.AnsweredThisRun}/{t.SentThisRun}")) +
                        $"; carol saw {ended.TakerSeen} filled, {ended.TakerUnresolved} of her IOC orders unresolved");
                }
                finally
                {
                    await admin.DisposeAsync();
                }
                audit = Audit(directory.Path, received, traders, when);
                foreach (var line in host.Output.Where(l => l.Contains("recover", StringComparison.Ordinal) || l.Contains("torn", StringComparison.Ordinal)))
                    TestContext.Out.WriteLine($"{when}: host: {line}");
                host.Dispose();
                host = null;
            }
        }
        finally
        {
            host?.Dispose(); // whatever failed, no server outlives the test
            foreach (var trader in traders) await trader.DisconnectAsync(_hang);
        }
        Audit(directory.Path, received, traders, "after the last run");
        var files = new DirectoryInfo(directory.Path).GetFiles();
        TestContext.Out.WriteLine($"data directory: {files.Length} files, {files.Sum(f => f.Length):N0} bytes; snapshots {files.Count(f => f.Name.EndsWith(".snap", StringComparison.Ordinal))}, {files.Where(f => f.Name.Contains(".snap", StringComparison.Ordinal)).Sum(f => f.Length):N0} bytes");
        foreach (var trader in traders)
            TestContext.Out.WriteLine($"{trader.Name}: {trader.AcknowledgedOrders} orders acknowledged over the test; rejections: {trader.RejectSummary()}");
        Assert.That(traders.Sum(t => t.AcknowledgedOrders), Is.GreaterThan(kills * 200), "the kills landed under load");
    }

    /// <summary>What a run ended with, for the position checks after the restart.</summary>
    private sealed record RunEnd(int Run, long TakerStart, long TakerSeen, long TakerUnresolved, long MakerSeen);

    /// <summary>The first command after a restart is a snapshot: it answers with the recovered state's hashes and numbering.</summary>
    private static async Task CheckRecoveredHashesAsync(EngineClient admin, JournalAudit audit, long lastAnswered, string when)
    {
        var snapshot = await admin.SnapshotAsync().WaitAsync(_hang);
        Assert.That(snapshot.Accepted, Is.True, $"{when}: snapshot: {snapshot}");
        Assert.That(snapshot.Event.InputSequence, Is.GreaterThan(lastAnswered), $"{when}: the restarted server has processed every acknowledged command");
        Assert.That(snapshot.Event.InputSequence, Is.EqualTo(audit.NextSequence),
            $"{when}: the restarted server continues right after the last journaled command");
        Assert.That((ulong)snapshot.Event.OrderId, Is.EqualTo(audit.StateHash), $"{when}: the restarted server's state = an offline replay of its journal");
        Assert.That((ulong)snapshot.Event.MatchId, Is.EqualTo(audit.EventHash), $"{when}: the restarted server's event hash = an offline replay of its journal");
    }

    /// <summary>Positions after a restart: only carol and the maker trade, with each other, in one direction per run.</summary>
    private static void CheckPositions(CrashTrader[] traders, long makerUnseenOnAcknowledged, RunEnd ended, string when)
    {
        var (maker, taker) = (traders[2], traders[3]);
        Assert.That(traders[0].Position, Is.Zero, $"{when}: alice never trades");
        Assert.That(traders[1].Position, Is.Zero, $"{when}: bob never trades");
        Assert.That(maker.Position, Is.EqualTo(-taker.Position), $"{when}: the maker is carol's only counterparty");

        // carol's change over the run that ended: at least every fill she received, at most that plus what her unresolved IOC orders could add
        var buying = ended.Run % 2 == 0;
        var change = taker.Position - ended.TakerStart;
        var (low, high) = buying
            ? (ended.TakerSeen, ended.TakerSeen + ended.TakerUnresolved)
            : (ended.TakerSeen - ended.TakerUnresolved, ended.TakerSeen);
        Assert.That(change, Is.InRange(low, high), $"{when}: carol's position moved by every fill she received, and by no more than she sent");

        // the maker's acknowledged quotes that shrank or vanished were filled by fills it did not see: no more than its unseen position change
        var makerUnseen = -change - ended.MakerSeen;
        if (buying) makerUnseen = -makerUnseen;
        Assert.That(makerUnseen, Is.GreaterThanOrEqualTo(makerUnseenOnAcknowledged),
            $"{when}: the maker's acknowledged quotes that are gone or smaller were filled, not lost");
    }

    /// <summary>Admin snapshots at random moments of the load (recovery then starts from snapshots taken under load), and one
    /// at once when <paramref name="armed"/> completes.</summary>
    private static async Task SnapshotsAsync(EngineClient admin, int seed, Task armed, CancellationToken ct)
    {
        var random = new Random(seed);
        var requestId = SnapshotRequestBase + (seed & 0xFFFFF) * 1_000L;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (armed.IsCompleted) armed = Task.Delay(Timeout.Infinite, ct);
                await Task.WhenAny(Task.Delay(random.Next(10, 100), ct), armed);
                ct.ThrowIfCancellationRequested();
                if (!admin.TrySend(new SnapshotMessage { RequestId = ++requestId })) return;
                await admin.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        catch (EngineClientException)
        {
            // the server died under the flush
        }
    }

    /// <summary>Waits until the kill switch has killed the host, or (<see cref="KillMode.AfterDelay"/>) until the chosen answer;
    /// fails if the load or the host ends otherwise.</summary>
    private static async Task WaitForTheKillAsync(KillSwitch kill, KillMode mode, int killAt, HostProcess host, CrashTrader[] traders, Task[] load,
        string when)
    {
        var deadline = Environment.TickCount64 + 2 * (long)_hang.TotalMilliseconds;
        while (mode == KillMode.AfterDelay ? kill.Answers < killAt : !(kill.Fired && host.HasExited))
        {
            if ((host.HasExited && !kill.Fired) || load.Any(t => t.IsCompleted) || Environment.TickCount64 > deadline)
            {
                if (kill.Fired || (mode == KillMode.AfterDelay && kill.Answers >= killAt)) return; // got there in between
                Assert.Fail($"{when}: the load stopped at {kill.Answers} answers, the kill was due at {killAt} ({mode}; host exited: {host.HasExited}, " +
                            $"load ended: {load.Any(t => t.IsCompleted)})\n{string.Join("\n", traders.SelectMany(t => t.Anomalies))}\n{host.OutputText()}");
            }
            await Task.Delay(2);
        }
    }

    /// <summary>
    /// After a kill: every event a client received must come out of an offline replay of the journal, byte for byte (so every
    /// acknowledged command is journaled, with the effects the clients were told of); the server's own recovery of a copy of the
    /// directory must reach the same state. Returns the replay, which the restarted server must then match.
    /// </summary>
    private static JournalAudit Audit(string directory, ReceivedEvents received, CrashTrader[] traders, string when)
    {
        foreach (var trader in traders)
            Assert.That(trader.Anomalies, Is.Empty, $"{when}: what {trader.Name} received contradicts itself");
        var events = received.TakeAll();
        var audit = JournalAudit.Replay(directory, events.Select(e => e.InputSequence));
        var recovered = JournalAudit.RecoverCopy(directory);
        Assert.That(recovered, Is.EqualTo((audit.NextSequence, audit.StateHash, audit.EventHash)),
            $"{when}: recovery (snapshot + journal tail) = a replay of the whole journal");
        var maxReceived = events.Count == 0 ? -1 : events.Max(e => e.InputSequence);
        Assert.That(maxReceived, Is.LessThan(audit.NextSequence), $"{when}: every command a client heard of is in the journal");
        var missing = events.Where(e => !audit.Contains(in e)).Take(10)
            .Select(e => $"{e.Type} {e.CommandType} account {e.AccountId} input {e.InputSequence} order {e.OrderId} client id {e.ClientOrderId}").ToList();
        Assert.That(missing, Is.Empty, $"{when}: events received by clients but not produced by a replay of the journal");
        TestContext.Out.WriteLine($"{when}: journal audit: {events.Count} received events found in a replay of {audit.Stats.Commands} commands" +
                                  (audit.Stats.TornTail is { } tail ? $"; torn tail of {tail.Bytes} bytes ({tail.Reason})" : ""));
        return audit;
    }
}
