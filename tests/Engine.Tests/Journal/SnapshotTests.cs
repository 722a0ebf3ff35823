using Engine.Commands;
using Engine.Logic;
using Engine.Tests.Support;
using Journal;

namespace Engine.Tests.Journal;

public class SnapshotTests
{
    private const int SnapshotEvery = 7_000;

    /// <summary>The risky mixed stream (liquidations included) with a snapshot command every 7,000 commands.</summary>
    private static Command[] Stream()
    {
        var list = new List<Command>(MixedStream.Setup(risky: true));
        var body = MixedStream.Generate(77, 40_000, risky: true);
        for (var i = 0; i < body.Length; i++)
        {
            if (i > 0 && i % SnapshotEvery == 0) list.Add(Cmd.Snapshot(i));
            list.Add(body[i]);
        }
        return list.ToArray();
    }

    private static ExchangeLogic RunFrom(ExchangeLogic logic, Command[] stream, long from)
    {
        for (var i = from; i < stream.Length; i++)
        {
            logic.Process(ref stream[i], i);
            logic.FlushEvents();
        }
        return logic;
    }

    [Test]
    public void ShouldContinueFromEverySnapshotToTheSameStateAndEventsAsAFullRun()
    {
        var stream = Stream();
        using var dir = new JournalDirectory();
        var full = new ExchangeLogic(new EngineConfig(), NullEventSink.Instance) { Snapshots = new SnapshotStore(dir.Path) };
        RunFrom(full, stream, 0);
        var files = Directory.GetFiles(dir.Path, "snapshot-*.snap");
        Assert.That(files, Has.Length.EqualTo(5));
        Assert.That(full.ValidateInvariants(), Is.Null);

        foreach (var file in files)
        {
            var sequence = long.Parse(Path.GetFileNameWithoutExtension(file)["snapshot-".Length..]);
            using var one = new JournalDirectory();
            File.Copy(file, Path.Combine(one.Path, Path.GetFileName(file)));
            var (at, state) = SnapshotStore.LoadNewest(one.Path)!.Value;
            Assert.That(at, Is.EqualTo(sequence));
            var restored = ExchangeLogic.LoadState(new EngineConfig(), NullEventSink.Instance, state);
            Assert.That(restored.ValidateInvariants(), Is.Null, $"snapshot {sequence}: the restored state is sound");
            RunFrom(restored, stream, sequence + 1);
            Assert.That(restored.StateHash(), Is.EqualTo(full.StateHash()), $"snapshot {sequence} + suffix = full run (state)");
            Assert.That(restored.EventHash, Is.EqualTo(full.EventHash), $"snapshot {sequence} + suffix = full run (events)");
            Assert.That(restored.EventsEmitted, Is.EqualTo(full.EventsEmitted));
        }
    }

    [Test]
    public void ShouldSkipADamagedSnapshotForTheOneBefore()
    {
        var stream = Stream();
        using var dir = new JournalDirectory();
        RunFrom(new ExchangeLogic(new EngineConfig(), NullEventSink.Instance) { Snapshots = new SnapshotStore(dir.Path) }, stream, 0);
        var files = Directory.GetFiles(dir.Path, "snapshot-*.snap");
        Array.Sort(files, StringComparer.Ordinal);
        var newest = files[^1];
        var bytes = File.ReadAllBytes(newest);
        bytes[bytes.Length / 2] ^= 0x40; // a flipped bit in the payload
        File.WriteAllBytes(newest, bytes);
        var log = new List<string>();
        var (sequence, _) = SnapshotStore.LoadNewest(dir.Path, log.Add)!.Value;
        Assert.That(SnapshotStore.FileName(sequence), Is.EqualTo(Path.GetFileName(files[^2])));
        Assert.That(log, Has.Some.Contains("payload CRC mismatch"));

        File.WriteAllBytes(files[^2], File.ReadAllBytes(files[^2])[..100]); // torn: shorter than its header says
        (sequence, _) = SnapshotStore.LoadNewest(dir.Path, log.Add)!.Value;
        Assert.That(SnapshotStore.FileName(sequence), Is.EqualTo(Path.GetFileName(files[^3])));
        Assert.That(log, Has.Some.Contains("torn"));
    }

    [Test]
    public void ShouldRefuseASnapshotOfANewerFormatVersion()
    {
        using var dir = new JournalDirectory();
        var logic = new ExchangeLogic(new EngineConfig(), NullEventSink.Instance) { Snapshots = new SnapshotStore(dir.Path) };
        var cmd = Cmd.Snapshot();
        logic.Process(ref cmd, 0);
        var file = Directory.GetFiles(dir.Path, "snapshot-*.snap")[0];
        var bytes = File.ReadAllBytes(file);
        bytes[4] = (byte)(SnapshotStore.CurrentVersion + 1);
        File.WriteAllBytes(file, bytes);
        var ex = Assert.Throws<JournalFormatException>(() => SnapshotStore.LoadNewest(dir.Path));
        Assert.That(ex!.Message, Does.Contain("format version"));
    }

    [Test]
    public void ShouldSetAsideASnapshotAheadOfTheJournalAndRecoverFromTheJournal()
    {
        // the logic writes a snapshot without waiting for the journal beside it: a crash can leave one of commands never journaled
        var stream = Stream()[..3_000];
        using var dir = new JournalDirectory();
        dir.WriteAll(stream[..1_000], batchSize: 50);
        var ahead = new ExchangeLogic(new EngineConfig(), NullEventSink.Instance) { Snapshots = new SnapshotStore(dir.Path) };
        RunFrom(ahead, stream[..1_500], 0);
        var snapshot = Cmd.Snapshot();
        ahead.Process(ref snapshot, 1_500);
        Assert.That(File.Exists(Path.Combine(dir.Path, SnapshotStore.FileName(1_500))), Is.True);

        var log = new List<string>();
        var first = EngineRecovery.Recover(dir.Path, new EngineConfig(), log.Add);
        var journalOnly = RunFrom(new ExchangeLogic(new EngineConfig(), NullEventSink.Instance), stream[..1_000], 0);
        Assert.That(first.NextSequence, Is.EqualTo(1_000), "recovery continues where the journal ends, not after the snapshot");
        Assert.That(first.Logic.StateHash(), Is.EqualTo(journalOnly.StateHash()), "the state is the journal's");
        Assert.That(log, Has.Some.Contains("ahead of the journal"));
        Assert.That(Directory.GetFiles(dir.Path, "snapshot-*.snap"), Is.Empty, "the snapshot is set aside");

        // the journal goes on from there (other commands than the lost ones could come now) and recovers again, whole
        using (var writer = new JournalWriter(dir.Options()))
            JournalDirectory.Write(writer, stream[1_000..], batchSize: 50, firstSequence: 1_000);
        var second = EngineRecovery.Recover(dir.Path, new EngineConfig());
        Assert.That(second.NextSequence, Is.EqualTo(stream.Length));
        Assert.That(second.Logic.StateHash(), Is.EqualTo(RunFrom(new ExchangeLogic(new EngineConfig(), NullEventSink.Instance), stream, 0).StateHash()));
    }

    [Test]
    public void ShouldDeleteCoveredSegmentsOnlyWhenRetentionSaysSo()
    {
        using var dir = new JournalDirectory();
        foreach (var first in new long[] { 0, 100, 200 }) File.WriteAllBytes(Path.Combine(dir.Path, JournalSegment.FileName(first)), []);
        new SnapshotStore(dir.Path).Write(150, [1, 2, 3]);
        Assert.That(Directory.GetFiles(dir.Path, "journal-*"), Has.Length.EqualTo(3), "KeepAll keeps every segment");
        new SnapshotStore(dir.Path, SnapshotRetention.DeleteCoveredSegments).Write(199, [1, 2, 3]);
        Assert.That(Directory.GetFiles(dir.Path, "journal-*").Select(Path.GetFileName),
            Is.EquivalentTo(new[] { JournalSegment.FileName(200) }), "segments wholly before sequence 200 are covered");
    }
}
