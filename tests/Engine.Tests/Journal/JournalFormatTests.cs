using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Engine.Commands;
using Journal;
using Journal.Format;
using K4os.Compression.LZ4;

namespace Engine.Tests.Journal;

/// <summary>The persisted layouts are frozen: sizes, offsets, magic numbers, versions and flag values.</summary>
public class JournalFormatTests
{
    private static int OffsetOf<T>(string field) => (int)Marshal.OffsetOf<T>(field);

    [Test]
    public void ShouldKeepTheBatchHeaderLayout()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BatchHeader.Size, Is.EqualTo(36));
            Assert.That(Unsafe.SizeOf<BatchHeader>(), Is.EqualTo(BatchHeader.Size));
            Assert.That(Marshal.SizeOf<BatchHeader>(), Is.EqualTo(BatchHeader.Size));
            (string Field, int Offset, int Const)[] fields =
            [
                (nameof(BatchHeader.Magic), 0, BatchHeader.MagicOffset),
                (nameof(BatchHeader.Version), 4, BatchHeader.VersionOffset),
                (nameof(BatchHeader.Flags), 6, BatchHeader.FlagsOffset),
                (nameof(BatchHeader.FirstSequence), 8, BatchHeader.FirstSequenceOffset),
                (nameof(BatchHeader.Count), 16, BatchHeader.CountOffset),
                (nameof(BatchHeader.RawLength), 20, BatchHeader.RawLengthOffset),
                (nameof(BatchHeader.StoredLength), 24, BatchHeader.StoredLengthOffset),
                (nameof(BatchHeader.PayloadCrc32C), 28, BatchHeader.PayloadCrcOffset),
                (nameof(BatchHeader.HeaderCrc), 32, BatchHeader.HeaderCrcOffset),
            ];
            foreach (var (field, offset, constant) in fields)
            {
                Assert.That(constant, Is.EqualTo(offset), field);
                Assert.That(OffsetOf<BatchHeader>(field), Is.EqualTo(offset), field);
            }
            Assert.That(BatchHeader.HeaderCrcOffset + sizeof(uint), Is.EqualTo(BatchHeader.Size), "the header CRC is the last field");
        });
    }

    [Test]
    public void ShouldKeepTheSegmentHeaderLayout()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SegmentHeader.Size, Is.EqualTo(20));
            Assert.That(Unsafe.SizeOf<SegmentHeader>(), Is.EqualTo(SegmentHeader.Size));
            (string Field, int Offset, int Const)[] fields =
            [
                (nameof(SegmentHeader.Magic), 0, SegmentHeader.MagicOffset),
                (nameof(SegmentHeader.Version), 4, SegmentHeader.VersionOffset),
                (nameof(SegmentHeader.RecordSize), 6, SegmentHeader.RecordSizeOffset),
                (nameof(SegmentHeader.FirstSequence), 8, SegmentHeader.FirstSequenceOffset),
                (nameof(SegmentHeader.HeaderCrc), 16, SegmentHeader.HeaderCrcOffset),
            ];
            foreach (var (field, offset, constant) in fields)
            {
                Assert.That(constant, Is.EqualTo(offset), field);
                Assert.That(OffsetOf<SegmentHeader>(field), Is.EqualTo(offset), field);
            }
            Assert.That(SegmentHeader.HeaderCrcOffset + sizeof(uint), Is.EqualTo(SegmentHeader.Size));
        });
    }

    [Test]
    public void ShouldKeepMagicNumbersVersionsAndFlagValues()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BitConverter.GetBytes(BatchHeader.MagicValue), Is.EqualTo("JBAT"u8.ToArray()));
            Assert.That(BitConverter.GetBytes(SegmentHeader.MagicValue), Is.EqualTo("JSEG"u8.ToArray()));
            Assert.That(BatchHeader.CurrentVersion, Is.EqualTo(1));
            Assert.That(BatchHeader.MaxSupportedVersion, Is.GreaterThanOrEqualTo(BatchHeader.CurrentVersion));
            Assert.That(SegmentHeader.CurrentVersion, Is.EqualTo(1));
            Assert.That(SegmentHeader.MaxSupportedVersion, Is.GreaterThanOrEqualTo(SegmentHeader.CurrentVersion));
            Assert.That((ushort)BatchFlags.None, Is.EqualTo(0));
            Assert.That((ushort)BatchFlags.Compressed, Is.EqualTo(1));
            Assert.That(Command.Size, Is.EqualTo(64), "the journal record");
            Assert.That(JournalSegment.FileName(1024), Is.EqualTo("journal-00000000000000001024.seg"));
        });
    }

    [Test]
    public void ShouldComputeTheStandardCrc32CCheckValue()
    {
        Assert.That(Crc32C.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
        Assert.That(Crc32C.Compute(ReadOnlySpan<byte>.Empty), Is.EqualTo(0u));
        // 32 zero bytes, the iSCSI test vector of RFC 3720 B.4
        Assert.That(Crc32C.Compute(new byte[32]), Is.EqualTo(0x8A9136AAu));
    }

    [Test]
    public void ShouldRoundTripABatchHeader()
    {
        var header = new BatchHeader
        {
            Magic = BatchHeader.MagicValue, Version = BatchHeader.CurrentVersion, Flags = BatchFlags.Compressed,
            FirstSequence = 0x0102030405060708, Count = 3, RawLength = 3 * Command.Size, StoredLength = 77, PayloadCrc32C = 0xDEADBEEF,
        };
        var bytes = new byte[BatchHeader.Size];
        header.Write(bytes);

        Assert.That(BatchHeader.TryRead(bytes, out var read), Is.True);
        Assert.That(read, Is.EqualTo(header));
        Assert.That(read.Validate(), Is.Null);
        Assert.That(bytes[..4], Is.EqualTo("JBAT"u8.ToArray()));
        Assert.That(bytes[8], Is.EqualTo(0x08), "little-endian");
    }

    [Test]
    public void ShouldFailTheHeaderCrcWhenAnyHeaderByteFlips()
    {
        var header = new BatchHeader
        {
            Magic = BatchHeader.MagicValue, Version = 1, FirstSequence = 42, Count = 1, RawLength = 64, StoredLength = 64,
        };
        var bytes = new byte[BatchHeader.Size];
        header.Write(bytes);
        for (var i = 0; i < BatchHeader.Size; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x10;
            Assert.That(BatchHeader.TryRead(damaged, out _), Is.False, $"byte {i}");
        }
        Assert.That(BatchHeader.TryRead(bytes.AsSpan(0, BatchHeader.Size - 1), out _), Is.False, "too short");
    }

    [Test]
    public void ShouldRoundTripASegmentHeader()
    {
        var header = SegmentHeader.Create(123_456);
        var bytes = new byte[SegmentHeader.Size];
        header.Write(bytes);
        Assert.That(SegmentHeader.TryRead(bytes, out var read), Is.True);
        Assert.That(read, Is.EqualTo(header));
        Assert.That(read.RecordSize, Is.EqualTo(Command.Size));
        bytes[9] ^= 1;
        Assert.That(SegmentHeader.TryRead(bytes, out _), Is.False);
    }

    [TestCase(1, false)]
    [TestCase(7, false)]
    [TestCase(8, true)]
    [TestCase(1024, true)]
    public void ShouldCompressOnlyBatchesAboveTheThreshold(int count, bool compressed)
    {
        var commands = new Command[count];
        for (var i = 0; i < count; i++) commands[i] = Cmd.Limit(1 + (i % 3), 1, Side.Buy, 100 + i, 5, i);
        var raw = MemoryMarshal.AsBytes(commands.AsSpan());
        var frame = new byte[BatchCodec.MaxFrameLength(count)];
        var length = BatchCodec.Encode(raw, 9, LZ4Level.L00_FAST, 512, frame);

        Assert.That(BatchHeader.TryRead(frame, out var header), Is.True);
        Assert.That(header.Validate(), Is.Null);
        Assert.That((header.Flags & BatchFlags.Compressed) != 0, Is.EqualTo(compressed));
        Assert.That(header.FrameLength, Is.EqualTo(length));
        var decoded = new Command[count];
        Assert.That(BatchCodec.TryDecode(header, frame.AsSpan(BatchHeader.Size, header.StoredLength), MemoryMarshal.AsBytes(decoded.AsSpan())),
            Is.Null);
        Assert.That(MemoryMarshal.AsBytes(decoded.AsSpan()).SequenceEqual(raw), Is.True);
    }

    [Test]
    public void ShouldStoreIncompressibleBatchesRaw()
    {
        var random = new Random(5);
        var commands = new Command[64];
        random.NextBytes(MemoryMarshal.AsBytes(commands.AsSpan()));
        var frame = new byte[BatchCodec.MaxFrameLength(commands.Length)];
        BatchCodec.Encode(MemoryMarshal.AsBytes(commands.AsSpan()), 0, LZ4Level.L00_FAST, 0, frame);
        Assert.That(BatchHeader.TryRead(frame, out var header), Is.True);
        Assert.That(header.Flags, Is.EqualTo(BatchFlags.None));
        Assert.That(header.StoredLength, Is.EqualTo(header.RawLength));
    }

    [Test]
    public void ShouldRejectInconsistentHeaderFields()
    {
        var good = new BatchHeader
        {
            Magic = BatchHeader.MagicValue, Version = 1, Flags = BatchFlags.Compressed, Count = 2, RawLength = 128, StoredLength = 50,
        };
        Assert.That(good.Validate(), Is.Null);
        Assert.Multiple(() =>
        {
            Assert.That((good with { Magic = 0 }).Validate(), Does.Contain("magic"));
            Assert.That((good with { Flags = (BatchFlags)2 }).Validate(), Does.Contain("flags"));
            Assert.That((good with { Count = 0 }).Validate(), Does.Contain("count"));
            Assert.That((good with { RawLength = 127 }).Validate(), Does.Contain("raw length"));
            Assert.That((good with { StoredLength = 0 }).Validate(), Does.Contain("stored length"));
            Assert.That((good with { Flags = BatchFlags.None }).Validate(), Does.Contain("stored length"), "raw payload must be RawLength long");
        });
    }

    [Test]
    public void ShouldDocumentTheLayoutsInDocsJournalMd()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "journal.md"), Encoding.UTF8);
        (string Table, string Field, int Offset, int Size)[] rows =
        [
            ("segment", "Magic", SegmentHeader.MagicOffset, 4),
            ("segment", "Version", SegmentHeader.VersionOffset, 2),
            ("segment", "RecordSize", SegmentHeader.RecordSizeOffset, 2),
            ("segment", "FirstSequence", SegmentHeader.FirstSequenceOffset, 8),
            ("segment", "HeaderCrc", SegmentHeader.HeaderCrcOffset, 4),
            ("batch", "Magic", BatchHeader.MagicOffset, 4),
            ("batch", "Version", BatchHeader.VersionOffset, 2),
            ("batch", "Flags", BatchHeader.FlagsOffset, 2),
            ("batch", "FirstSequence", BatchHeader.FirstSequenceOffset, 8),
            ("batch", "Count", BatchHeader.CountOffset, 4),
            ("batch", "RawLength", BatchHeader.RawLengthOffset, 4),
            ("batch", "StoredLength", BatchHeader.StoredLengthOffset, 4),
            ("batch", "PayloadCrc32C", BatchHeader.PayloadCrcOffset, 4),
            ("batch", "HeaderCrc", BatchHeader.HeaderCrcOffset, 4),
        ];
        foreach (var (table, field, offset, size) in rows)
        {
            Assert.That(doc, Does.Contain($"| {table} | {offset} | {size} | `{field}` |"), $"{table} header row of {field}");
        }
        Assert.That(doc, Does.Contain($"{SegmentHeader.Size}-byte segment header"));
        Assert.That(doc, Does.Contain($"{BatchHeader.Size}-byte batch header"));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
