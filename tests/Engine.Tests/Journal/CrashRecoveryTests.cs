using System.Diagnostics;
using Engine.Logic;
using Engine.Tests.Support;
using Journal;

namespace Engine.Tests.Journal;

/// <summary>
/// A real crash test: the engine host runs as a child process journaling a paced load; it is killed with SIGKILL
/// at random moments and restarted from its journal, again and again. Every acknowledged command must survive, and
/// the state the child recovers must equal a clean offline replay of the same journal.
/// </summary>
[Category("Crash")]
public class CrashRecoveryTests
{
    private const int Seed = 20261124;

    private static string HostDll()
    {
        // the test project references the host, so its build output sits beside the tests
        var dll = Path.Combine(AppContext.BaseDirectory, "engine-host.dll");
        Assert.That(File.Exists(dll), Is.True, $"the host is built beside the tests ({dll})");
        return dll;
    }

    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<string> _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<string> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _acked = -1;

        public Child(string dll, string directory, long commands, string durability, int rate)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { dll, "crash-child", directory, Seed.ToString(), commands.ToString(), durability, rate.ToString() })
                info.ArgumentList.Add(a);
            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) => OnLine(e.Data);
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) TestContext.Out.WriteLine($"  child: {e.Data}"); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public long Acked => Interlocked.Read(ref _acked);

        private void OnLine(string? line)
        {
            if (line == null) return;
            if (line.StartsWith("A ", StringComparison.Ordinal))
            {
                var s = long.Parse(line.AsSpan(2));
                if (s > Interlocked.Read(ref _acked)) Interlocked.Exchange(ref _acked, s);
            }
            else if (line.StartsWith("recovered ", StringComparison.Ordinal)) _recovered.TrySetResult(line);
            else if (line.StartsWith("done ", StringComparison.Ordinal)) _done.TrySetResult(line);
        }

        public string Recovered() => _recovered.Task.Wait(TimeSpan.FromSeconds(60)) ? _recovered.Task.Result : throw new TimeoutException("no recovery line");

        public string Done() => _done.Task.Wait(TimeSpan.FromSeconds(120)) ? _done.Task.Result : throw new TimeoutException("no done line");

        public void Kill()
        {
            _process.Kill(entireProcessTree: true); // SIGKILL: no flush, no shutdown hook
            _process.WaitForExit();                  // also drains the rest of its output (acks it printed before dying)
        }

        public void Dispose()
        {
            if (!_process.HasExited) Kill();
            _process.Dispose();
        }
    }

    private static (long Next, ulong State, ulong Events) CleanReplay(string directory)
    {
        var logic = new ExchangeLogic(new EngineConfig(), NullEventSink.Instance);
        var stats = JournalReplayer.Replay(directory, logic);
        return (stats.Commands == 0 ? 0 : stats.NextSequence, logic.StateHash(), logic.EventHash);
    }

    private static void RunKills(int kills, string durability)
    {
        var dll = HostDll();
        using var dir = new JournalDirectory();
        var random = new Random(Seed);
        TestContext.Out.WriteLine($"seed {Seed}, {kills} kills, durability {durability}, journal {dir.Path}");
        var maxAcked = -1L;
        for (var k = 0; k <= kills; k++)
        {
            var clean = CleanReplay(dir.Path); // what the journal holds after the last kill, read offline
            Assert.That(clean.Next - 1, Is.GreaterThanOrEqualTo(maxAcked), $"kill {k}: every acknowledged command is in the journal");
            var last = k == kills;
            using var child = new Child(dll, dir.Path, last ? clean.Next + 10_000 : 10_000_000, durability, rate: 200_000);
            var parts = child.Recovered().Split(' ');
            Assert.That(long.Parse(parts[1]), Is.EqualTo(clean.Next), $"kill {k}: the child continues where the journal ends");
            Assert.That(parts[2], Is.EqualTo(clean.State.ToString("x16")), $"kill {k}: recovered state = clean replay");
            Assert.That(parts[3], Is.EqualTo(clean.Events.ToString("x16")), $"kill {k}: recovered event hash = clean replay");
            if (last)
            {
                var done = child.Done().Split(' ');
                var final = CleanReplay(dir.Path);
                Assert.That(done[1], Is.EqualTo(final.State.ToString("x16")), "the final live state = a clean replay");
                Assert.That(done[2], Is.EqualTo(final.Events.ToString("x16")));
                break;
            }
            Thread.Sleep(random.Next(150, 700)); // the kill lands at a random moment of the paced load
            child.Kill();
            maxAcked = Math.Max(maxAcked, child.Acked);
            TestContext.Out.WriteLine($"kill {k}: acknowledged up to {child.Acked}, journal had {clean.Next} at start");
        }
        Assert.That(maxAcked, Is.GreaterThan(10_000), "the kills landed under load");
    }

    [Test]
    public void ShouldKeepEveryAcknowledgedCommandThroughTwentyKills() => RunKills(20, "flush");

    [Test]
    [Category("LongCrash")]
    [Explicit("long soak: 100 kills with fsync; run with --filter Category=LongCrash")]
    public void ShouldKeepEveryAcknowledgedCommandThroughAHundredKillsWithFsync() => RunKills(100, "fsync");
}
