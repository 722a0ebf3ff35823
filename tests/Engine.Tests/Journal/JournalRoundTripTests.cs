using System.Runtime.InteropServices;
using Engine.Commands;
using Engine.Tests.Support;
using Journal;
using Journal.Format;

namespace Engine.Tests.Journal;

/// <summary>What goes through the writer comes back from the reader, byte for byte and sequence for sequence.</summary>
public class JournalRoundTripTests
{
    private JournalDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new JournalDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    /// <summary>One command of every type, built by the <see cref="Cmd"/> factory.</summary>
    private static Command[] EveryType() =>
    [
        Cmd.Limit(7, 1, Side.Buy, 1_000_000_000, 300_000, 11, TimeInForce.ImmediateOrCancel, OrderFlags.PostOnly, SelfTradeMode.CancelBoth),
        Cmd.Cancel(7, 99, 12),
        Cmd.Replace(7, 99, 1_000_100_000, 200_000, 13),
        Cmd.MassCancel(7, 1, 14),
        Cmd.MarkPrice(1, 1_000_050_000),
        Cmd.AssetPrice(2, 3_000 * FixedPoint.PriceScale),
        Cmd.AddInstrument(1, 10_000_000, 100_000, 1_000_000_000, -100, 400, 2_000, 100, 14),
        Cmd.AddTier(1, 2, 5_000_000_000, 5_000, 50),
        Cmd.AddAsset(2, 3_000 * FixedPoint.PriceScale, 50_000),
        Cmd.CreateAccount(7),
        Cmd.Deposit(7, 0, 1_000 * FixedPoint.MoneyScale),
        Cmd.Withdraw(7, 0, 10 * FixedPoint.MoneyScale),
        Cmd.SetLeverage(7, 1, 25),
        Cmd.SetMarginMode(7, 1, MarginMode.Isolated),
        Cmd.AdjustIsolatedMargin(7, 1, -5),
        Cmd.QueryAccount(7, 15),
        Cmd.QueryBook(1, 5, 16),
        Cmd.Snapshot(17),
    ];

    private static byte[] Bytes(IEnumerable<Command> commands) => MemoryMarshal.AsBytes(commands.ToArray().AsSpan()).ToArray();

    /// <summary>Byte-for-byte equality of the records, reporting the first command that differs (fast on large streams).</summary>
    private static void AssertSameRecords(IEnumerable<Command> actual, IEnumerable<Command> expected)
    {
        var a = Bytes(actual);
        var e = Bytes(expected);
        Assert.That(a.Length / Command.Size, Is.EqualTo(e.Length / Command.Size), "commands");
        var same = a.AsSpan().CommonPrefixLength(e);
        Assert.That(same, Is.EqualTo(e.Length), $"first difference in command {same / Command.Size}, byte {same % Command.Size}");
    }

    [TestCase(1, TestName = "ShouldRoundTripEveryCommandTypeWhenEachIsItsOwnRawBatch")]
    [TestCase(1024, TestName = "ShouldRoundTripEveryCommandTypeWhenAllShareOneCompressedBatch")]
    public void ShouldRoundTripEveryCommandType(int batchSize)
    {
        var commands = EveryType();
        var types = commands.Select(c => c.Type).ToHashSet();
        var all = Enum.GetValues<CommandType>().Where(t => t != CommandType.None).ToHashSet();
        Assert.That(types, Is.EquivalentTo(all), "one command per CommandType");
        for (var i = 0; i < commands.Length; i++)
        {
            commands[i].SessionId = 1000 + i;
            commands[i].ReceiveTime = 1_795_478_400_000_000_000 + i;
        }
        // a bigger batch than the compression threshold, so that the shared batch really is compressed
        var stream = Enumerable.Repeat(commands, batchSize == 1 ? 1 : 4).SelectMany(c => c).ToArray();

        _dir.WriteAll(stream, batchSize);
        var (read, sequences, result) = _dir.ReadAll();

        AssertSameRecords(read, stream);
        Assert.That(sequences, Is.EqualTo(Enumerable.Range(0, stream.Length).Select(i => (long)i)));
        Assert.That(result.TornTail, Is.Null);
        Assert.That(result.NextSequence, Is.EqualTo(stream.Length));
        Assert.That(result.Batches, Is.EqualTo(batchSize == 1 ? stream.Length : 1));
    }

    [Test]
    public void ShouldRoundTripArbitraryBytesInEveryFieldOfTheRecord()
    {
        var random = new Random(77);
        var stream = new Command[5_000];
        random.NextBytes(MemoryMarshal.AsBytes(stream.AsSpan()));
        for (var i = 0; i < stream.Length; i += 3) stream[i] = stream[i / 2]; // some repetition so that LZ4 finds matches

        _dir.WriteAll(stream, 97);
        var (read, _, result) = _dir.ReadAll();

        AssertSameRecords(read, stream);
        Assert.That(result.Commands, Is.EqualTo(stream.Length));
    }

    [Test]
    public void ShouldSplitARingBatchLongerThanTheStagingBufferIntoSeveralJournalBatches()
    {
        var stream = MixedStream.Generate(3, 1_000);
        using (var writer = new JournalWriter(_dir.Options(maxBatchCommands: 64)))
        {
            JournalDirectory.Write(writer, stream, batchSize: 1_000);
            Assert.That(writer.Batches, Is.EqualTo(16));
            Assert.That(writer.Journaled.Value, Is.EqualTo(999));
        }
        var (read, _, result) = _dir.ReadAll();
        AssertSameRecords(read, stream);
        Assert.That(result.Batches, Is.EqualTo(16));
    }

    [Test]
    public void ShouldRollSegmentsAtTheConfiguredSizeAndNameThemByFirstSequence()
    {
        var stream = MixedStream.Generate(11, 20_000);
        const long segmentSize = 16 * 1024;
        using (var writer = new JournalWriter(_dir.Options(segmentSize: segmentSize)))
        {
            JournalDirectory.Write(writer, stream, batchSize: 50);
            Assert.That(writer.Segments, Is.EqualTo(_dir.Segments.Count));
        }

        var segments = _dir.Segments;
        TestContext.Out.WriteLine($"{segments.Count} segments");
        Assert.That(segments, Has.Count.GreaterThan(5));
        Assert.That(segments[0].FirstSequence, Is.EqualTo(0));
        foreach (var segment in segments)
        {
            var batches = JournalDirectory.Batches(segment.Path);
            var length = new FileInfo(segment.Path).Length;
            Assert.That(Path.GetFileName(segment.Path), Is.EqualTo(JournalSegment.FileName(segment.FirstSequence)));
            Assert.That(segment.FirstSequence % 50, Is.EqualTo(0), "a segment starts at a batch boundary");
            Assert.That(length, Is.LessThanOrEqualTo(segmentSize), "no segment passes the size (each batch is far smaller)");
            Assert.That(batches[^1].Offset + batches[^1].Length, Is.EqualTo(length), "whole batches only");
        }

        var (read, sequences, result) = _dir.ReadAll();
        AssertSameRecords(read, stream);
        Assert.That(result.Segments, Is.EqualTo(segments.Count));
        Assert.That(sequences[^1], Is.EqualTo(stream.Length - 1));
    }

    [Test]
    public void ShouldStartReadingInsideALaterSegmentAndInsideABatch()
    {
        var stream = MixedStream.Generate(12, 10_000);
        _dir.WriteAll(stream, 64, _dir.Options(segmentSize: 8 * 1024));
        var segments = _dir.Segments;
        Assert.That(segments, Has.Count.GreaterThan(3));
        var from = segments[2].FirstSequence + 77; // inside a batch of the third segment

        var (read, sequences, result) = _dir.ReadAll(from);

        Assert.That(sequences[0], Is.EqualTo(from));
        Assert.That(result.FirstSequence, Is.EqualTo(from));
        Assert.That(result.Segments, Is.EqualTo(segments.Count - 2), "earlier segments are not opened");
        AssertSameRecords(read, stream.Skip((int)from));
    }

    [Test]
    public void ShouldReadAnEmptyJournalAsEmpty()
    {
        var (read, _, result) = _dir.ReadAll();
        Assert.That(read, Is.Empty);
        Assert.That(result.NextSequence, Is.EqualTo(-1));
        Assert.That(result.TornTail, Is.Null);
    }

    [TestCase(JournalDurability.None)]
    [TestCase(JournalDurability.Flush)]
    [TestCase(JournalDurability.Fsync)]
    public void ShouldRoundTripInEveryDurabilityMode(JournalDurability durability)
    {
        var stream = MixedStream.Generate(13, 3_000);
        var probe = new JournalFileProbe();
        using (var writer = new JournalWriter(_dir.Options(durability, segmentSize: 32 * 1024, openFile: probe.Factory)))
        {
            JournalDirectory.Write(writer, stream, batchSize: 30);
            Assert.That(writer.Journaled.Value, Is.EqualTo(stream.Length - 1));
        }

        const int batches = 100;
        Assert.Multiple(() =>
        {
            // group commit: exactly one flush or fsync per batch, never per command
            Assert.That(probe.Flushes, Is.EqualTo(durability == JournalDurability.Flush ? batches : 0), "flushes");
            Assert.That(probe.Syncs, Is.EqualTo(durability == JournalDurability.Fsync ? batches : 0), "fsyncs");
            Assert.That(probe.Writes, Is.EqualTo(batches + probe.Opened), "one write per batch plus one segment header per file");
        });
        var (read, _, _) = _dir.ReadAll();
        AssertSameRecords(read, stream);
    }

    [Test]
    public void ShouldMakeEachAcknowledgedBatchReadableBeforeTheNextWhenFlushing()
    {
        // Flush hands every batch to the OS before Journaled moves: another reader sees it at once
        var stream = MixedStream.Generate(14, 500);
        using var writer = new JournalWriter(_dir.Options(JournalDurability.Flush));
        for (var batch = 0; batch < 5; batch++)
        {
            JournalDirectory.Write(writer, stream[(batch * 100)..((batch + 1) * 100)], 100, batch * 100);
            var (read, _, result) = _dir.ReadAll();
            Assert.That(result.NextSequence - 1, Is.EqualTo(writer.Journaled.Value));
            Assert.That(read, Has.Count.EqualTo((batch + 1) * 100));
        }
    }

    [Test]
    public void ShouldCompressTheMixedStreamAtLeastTwofold()
    {
        var stream = MixedStream.Generate(15, 20_000);
        using var writer = new JournalWriter(_dir.Options());
        JournalDirectory.Write(writer, stream, batchSize: 256);
        var ratio = (double)stream.Length * Command.Size / writer.BytesWritten;
        TestContext.Out.WriteLine($"{writer.BytesWritten} bytes on disk for {stream.Length * Command.Size} raw: ratio {ratio:F2}");
        Assert.That(ratio, Is.GreaterThan(2.0));
        Assert.That(writer.BytesWritten, Is.EqualTo(new FileInfo(_dir.Segments[0].Path).Length));
    }
}
