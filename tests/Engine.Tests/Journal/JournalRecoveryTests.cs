using System.Buffers.Binary;
using Engine.Commands;
using Engine.Tests.Support;
using Journal;
using Journal.Format;

namespace Engine.Tests.Journal;

/// <summary>
/// Torn tails are found, reported and cut; every other kind of damage stops the reader with the file and the byte
/// offset; newer formats are refused. The fixture writes 40 batches of 50 commands over several segments.
/// </summary>
public class JournalRecoveryTests
{
    private const int BatchSize = 50;
    private const int Commands = 2_000;
    private JournalDirectory _dir = null!;
    private Command[] _stream = null!;
    private List<string> _log = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new JournalDirectory();
        _stream = MixedStream.Generate(21, Commands);
        _dir.WriteAll(_stream, BatchSize, _dir.Options(segmentSize: 24 * 1024));
        Assert.That(_dir.Segments, Has.Count.GreaterThanOrEqualTo(3), "fixture: several segments");
        _log = new List<string>();
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private string LastSegment => _dir.Segments[^1].Path;

    private JournalReader Reader() => new(_dir.Path, _log.Add);

    private static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.SetLength(length);
    }

    private static void Append(string path, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Append);
        file.Write(bytes);
    }

    private static void Patch(string path, long offset, Action<byte[]> patch, int length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var bytes = new byte[length];
        file.Position = offset;
        file.ReadExactly(bytes);
        patch(bytes);
        file.Position = offset;
        file.Write(bytes);
    }

    private void AssertReadsUpTo(long nextSequence)
    {
        var (read, sequences, result) = _dir.ReadAll();
        Assert.That(result.NextSequence, Is.EqualTo(nextSequence));
        Assert.That(read, Has.Count.EqualTo(nextSequence));
        if (nextSequence > 0) Assert.That(sequences[^1], Is.EqualTo(nextSequence - 1));
    }

    [TestCase(0.5, TestName = "ShouldReportAndCutATornTailWhenTheLastBatchIsCutInItsPayload")]
    [TestCase(0.2, TestName = "ShouldReportAndCutATornTailWhenTheLastBatchIsCutInItsHeader")]
    public void ShouldReportAndCutATornTail(double keep)
    {
        var last = JournalDirectory.Batches(LastSegment)[^1];
        var cut = keep < 0.3 ? last.Offset + 7 : last.Offset + (long)(last.Length * keep);
        Truncate(LastSegment, cut);
        var segment = LastSegment;

        var found = Reader().Recover(truncate: false);
        Assert.That(found.TornTail, Is.Not.Null);
        Assert.That(found.TornTail!.File, Is.EqualTo(segment));
        Assert.That(found.TornTail.Offset, Is.EqualTo(last.Offset));
        Assert.That(found.TornTail.Bytes, Is.EqualTo(cut - last.Offset));
        Assert.That(found.Truncated, Is.False);
        Assert.That(new FileInfo(segment).Length, Is.EqualTo(cut), "Recover(false) changes nothing");
        AssertReadsUpTo(Commands - BatchSize); // Read delivers everything before the tail and reports it

        var recovered = Reader().Recover(truncate: true);
        Assert.That(recovered.Truncated, Is.True);
        Assert.That(new FileInfo(segment).Length, Is.EqualTo(last.Offset));
        Assert.That(_log, Has.Count.EqualTo(2));
        Assert.That(_log[1], Does.Contain(segment).And.Contain($"offset {last.Offset}").And.Contain("cut"));
        TestContext.Out.WriteLine(_log[1]);

        var clean = Reader().Recover(truncate: true);
        Assert.That(clean.TornTail, Is.Null);
        Assert.That(clean.NextSequence, Is.EqualTo(Commands - BatchSize));
        AssertReadsUpTo(Commands - BatchSize);
    }

    [TestCase(5)]
    [TestCase(4096)]
    public void ShouldCutGarbageAppendedAfterTheLastBatch(int garbage)
    {
        var length = new FileInfo(LastSegment).Length;
        var bytes = new byte[garbage];
        new Random(garbage).NextBytes(bytes);
        Append(LastSegment, bytes);

        var result = Reader().Recover(truncate: true);

        Assert.That(result.TornTail!.Offset, Is.EqualTo(length));
        Assert.That(result.TornTail.Bytes, Is.EqualTo(garbage));
        Assert.That(new FileInfo(LastSegment).Length, Is.EqualTo(length));
        AssertReadsUpTo(Commands);
    }

    [Test]
    public void ShouldCutZerosLeftAfterTheLastBatch()
    {
        var length = new FileInfo(LastSegment).Length;
        Append(LastSegment, new byte[10_000]); // a file system may show a zero-filled tail after a crash

        var result = Reader().Recover(truncate: true);

        Assert.That(result.TornTail!.Offset, Is.EqualTo(length));
        AssertReadsUpTo(Commands);
    }

    [Test]
    public void ShouldTreatABadChecksumInTheVeryLastBatchAsATornTail()
    {
        var last = JournalDirectory.Batches(LastSegment)[^1];
        Patch(LastSegment, last.Offset + last.Length - 1, b => b[0] ^= 0xFF, 1);

        var result = Reader().Recover(truncate: true);

        Assert.That(result.TornTail!.Offset, Is.EqualTo(last.Offset));
        Assert.That(result.TornTail.Reason, Does.Contain("CRC"));
        AssertReadsUpTo(Commands - BatchSize);
    }

    [Test]
    public void ShouldDeleteTheLastSegmentWhenEvenItsHeaderIsTorn()
    {
        var segments = _dir.Segments;
        var lastStart = segments[^1].FirstSequence;
        Truncate(LastSegment, 11);

        var result = Reader().Recover(truncate: true);

        Assert.That(result.TornTail!.Offset, Is.EqualTo(0));
        Assert.That(File.Exists(segments[^1].Path), Is.False);
        Assert.That(_log.Single(), Does.Contain("deleted"));
        AssertReadsUpTo(lastStart);
    }

    [Test]
    public void ShouldThrowCorruptWithFileAndOffsetWhenAByteFlipsInAnEarlyBatch()
    {
        var first = _dir.Segments[0].Path;
        var batch = JournalDirectory.Batches(first)[1];
        var middle = batch.Offset + BatchHeader.Size + (batch.Length - BatchHeader.Size) / 2;
        Patch(first, middle, b => b[0] ^= 0x01, 1);
        var bytesBefore = File.ReadAllBytes(first);

        var read = Assert.Throws<JournalCorruptException>(() => _dir.ReadAll());
        Assert.That(read!.File, Is.EqualTo(first));
        Assert.That(read.Offset, Is.EqualTo(batch.Offset));
        Assert.That(read.Message, Does.Contain(first).And.Contain($"offset {batch.Offset}").And.Contain("CRC"));
        TestContext.Out.WriteLine(read.Message);

        var recover = Assert.Throws<JournalCorruptException>(() => Reader().Recover(truncate: true));
        Assert.That(recover!.Offset, Is.EqualTo(batch.Offset));
        Assert.That(File.ReadAllBytes(first), Is.EqualTo(bytesBefore), "nothing is cut when the damage is not a tail");
        Assert.That(_log, Is.Empty);
    }

    [Test]
    public void ShouldThrowCorruptWhenAByteFlipsInAnEarlyBatchOfTheOnlySegment()
    {
        using var single = new JournalDirectory();
        single.WriteAll(_stream, BatchSize);
        var path = single.Segments.Single().Path;
        var batch = JournalDirectory.Batches(path)[3];
        Patch(path, batch.Offset + BatchHeader.Size + 5, b => b[0] ^= 0x80, 1);

        var ex = Assert.Throws<JournalCorruptException>(() => new JournalReader(single.Path, _log.Add).Recover(truncate: true));
        Assert.That(ex!.File, Is.EqualTo(path));
        Assert.That(ex.Offset, Is.EqualTo(batch.Offset));
        Assert.That(ex.Message, Does.Contain($"valid batch follows at offset {batch.Offset + batch.Length}"));
        Assert.That(_log, Is.Empty, "nothing cut");
    }

    [Test]
    public void ShouldThrowCorruptWhenABadBatchInTheLastSegmentIsFollowedByAValidOne()
    {
        var batches = JournalDirectory.Batches(LastSegment);
        Assert.That(batches, Has.Count.GreaterThanOrEqualTo(2));
        var victim = batches[^2];
        Patch(LastSegment, victim.Offset + 20, b => b[0] ^= 0x40, 1); // in the header: its CRC fails, the lengths are not trusted

        var ex = Assert.Throws<JournalCorruptException>(() => Reader().Recover(truncate: true));
        Assert.That(ex!.Offset, Is.EqualTo(victim.Offset));
        Assert.That(ex.Message, Does.Contain($"valid batch follows at offset {batches[^1].Offset}"));
    }

    [Test]
    public void ShouldThrowCorruptWhenASegmentThatIsNotTheLastEndsTorn()
    {
        var first = _dir.Segments[0].Path;
        var last = JournalDirectory.Batches(first)[^1];
        Truncate(first, last.Offset + 10);

        var ex = Assert.Throws<JournalCorruptException>(() => Reader().Recover(truncate: true));
        Assert.That(ex!.File, Is.EqualTo(first));
        Assert.That(ex.Offset, Is.EqualTo(last.Offset));
        Assert.That(ex.Message, Does.Contain("not the last"));
    }

    [Test]
    public void ShouldThrowCorruptWhenASegmentIsMissing()
    {
        var segments = _dir.Segments;
        File.Delete(segments[1].Path);

        var ex = Assert.Throws<JournalCorruptException>(() => _dir.ReadAll());
        Assert.That(ex!.File, Is.EqualTo(segments[2].Path));
        Assert.That(ex.Message, Does.Contain("missing"));
    }

    [Test]
    public void ShouldThrowCorruptWhenReplayStartsBeforeTheFirstSegment()
    {
        File.Delete(_dir.Segments[0].Path); // as if pruned after a snapshot
        var ex = Assert.Throws<JournalCorruptException>(() => _dir.ReadAll(0));
        Assert.That(ex!.Message, Does.Contain("missing"));
    }

    [Test]
    public void ShouldThrowCorruptWhenABatchBreaksTheSequence()
    {
        // a well-formed batch (valid CRCs) with the wrong first sequence: a gap that no CRC can see
        var first = _dir.Segments[0].Path;
        var batch = JournalDirectory.Batches(first)[2];
        Patch(first, batch.Offset, header =>
        {
            BatchHeader.TryRead(header, out var h);
            h.FirstSequence += 1;
            h.Write(header);
        }, BatchHeader.Size);

        var ex = Assert.Throws<JournalCorruptException>(() => _dir.ReadAll());
        Assert.That(ex!.Offset, Is.EqualTo(batch.Offset));
        Assert.That(ex.Message, Does.Contain($"expected {2 * BatchSize}"));
    }

    [Test]
    public void ShouldRefuseABatchOfANewerVersion()
    {
        var first = _dir.Segments[0].Path;
        var batch = JournalDirectory.Batches(first)[1];
        Patch(first, batch.Offset, header =>
        {
            BatchHeader.TryRead(header, out var h);
            h.Version = BatchHeader.MaxSupportedVersion + 1;
            h.Write(header);
        }, BatchHeader.Size);

        var ex = Assert.Throws<JournalFormatException>(() => _dir.ReadAll());
        Assert.That(ex!.Version, Is.EqualTo(BatchHeader.MaxSupportedVersion + 1));
        Assert.That(ex.File, Is.EqualTo(first));
        Assert.That(ex.Message, Does.Contain(first).And.Contain($"version {BatchHeader.MaxSupportedVersion + 1}").And.Contain("newer"));
        TestContext.Out.WriteLine(ex.Message);
    }

    [Test]
    public void ShouldRefuseASegmentOfANewerVersionEvenIfItsLayoutChanged()
    {
        // only magic and version are read before the CRC: a newer segment header need not checksum the v1 way
        var last = LastSegment;
        Patch(last, SegmentHeader.VersionOffset,
            b => BinaryPrimitives.WriteUInt16LittleEndian(b, SegmentHeader.MaxSupportedVersion + 1), sizeof(ushort));

        var ex = Assert.Throws<JournalFormatException>(() => Reader().Recover(truncate: true));
        Assert.That(ex!.File, Is.EqualTo(last));
        Assert.That(ex.Version, Is.EqualTo(SegmentHeader.MaxSupportedVersion + 1));
        Assert.That(File.Exists(last), Is.True, "a newer segment is never taken for a torn tail");
    }

    [Test]
    public void ShouldDeleteTheLastSegmentWhenItsOnlyBatchIsTornOrItHasNone()
    {
        var lastStart = _dir.Segments[^1].FirstSequence;
        Truncate(LastSegment, SegmentHeader.Size + 30);
        var torn = Reader().Recover(truncate: true);
        Assert.That(torn.TornTail!.Offset, Is.EqualTo(SegmentHeader.Size));
        Assert.That(_dir.Segments[^1].FirstSequence, Is.LessThan(lastStart), "deleted: a writer can create it again");

        var previous = _dir.Segments[^1];
        Truncate(previous.Path, SegmentHeader.Size); // header only: what a crash between header and first batch leaves
        var empty = Reader().Recover(truncate: true);
        Assert.That(empty.TornTail!.Reason, Does.Contain("no batch"));
        Assert.That(File.Exists(previous.Path), Is.False);
        AssertReadsUpTo(previous.FirstSequence);
    }

    [Test]
    public void ShouldContinueAfterRecoveryWithANewSegmentAtTheNextSequence()
    {
        var last = JournalDirectory.Batches(LastSegment)[^1];
        Truncate(LastSegment, last.Offset + 3);
        var recovered = Reader().Recover(truncate: true);
        var next = recovered.NextSequence;

        using (var writer = new JournalWriter(_dir.Options()))
        {
            JournalDirectory.Write(writer, _stream[(int)next..], BatchSize, next);
        }

        var (read, _, result) = _dir.ReadAll();
        Assert.That(result.NextSequence, Is.EqualTo(Commands));
        Assert.That(read.Select(c => c.ClientOrderId), Is.EqualTo(_stream.Select(c => c.ClientOrderId)));
    }
}
