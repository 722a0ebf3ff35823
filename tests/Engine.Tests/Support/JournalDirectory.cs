using Engine.Commands;
using Journal;
using Journal.Format;

namespace Engine.Tests.Support;

/// <summary>A fresh temporary journal directory, deleted on dispose, plus helpers to write and read it.</summary>
public sealed class JournalDirectory : IDisposable
{
    public JournalDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "journal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public IReadOnlyList<JournalSegment> Segments => JournalSegment.List(Path);

    public JournalWriterOptions Options(JournalDurability durability = JournalDurability.Flush, long segmentSize = 64L << 20,
        int maxBatchCommands = 1024, Func<string, IJournalFile>? openFile = null) =>
        new()
        {
            Directory = Path, Durability = durability, SegmentSize = segmentSize, MaxBatchCommands = maxBatchCommands,
            OpenFile = openFile,
        };

    /// <summary>
    /// Feeds <paramref name="commands"/> to <paramref name="writer"/> as the processor would, with sequences from
    /// <paramref name="firstSequence"/>, in ring batches of the given size (the last one shorter).
    /// </summary>
    public static void Write(JournalWriter writer, Command[] commands, int batchSize, long firstSequence = 0)
    {
        for (var i = 0; i < commands.Length; i++)
        {
            var endOfBatch = (i + 1) % batchSize == 0 || i == commands.Length - 1;
            writer.OnEvent(ref commands[i], firstSequence + i, endOfBatch);
        }
    }

    /// <summary>Writes <paramref name="commands"/> in batches of <paramref name="batchSize"/> and closes the writer.</summary>
    public void WriteAll(Command[] commands, int batchSize, JournalWriterOptions? options = null)
    {
        using var writer = new JournalWriter(options ?? Options());
        Write(writer, commands, batchSize);
        Assert.That(writer.Fault, Is.Null);
        Assert.That(writer.Journaled.Value, Is.EqualTo(commands.Length - 1));
    }

    /// <summary>Reads every command from <paramref name="fromSequence"/> on.</summary>
    public (List<Command> Commands, List<long> Sequences, JournalReadResult Result) ReadAll(long fromSequence = 0)
    {
        var commands = new List<Command>();
        var sequences = new List<long>();
        var result = new JournalReader(Path).Read(fromSequence, (ref Command c, long s) =>
        {
            commands.Add(c);
            sequences.Add(s);
        });
        return (commands, sequences, result);
    }

    /// <summary>Start offset and frame length of every batch in a segment file, walking the headers (no validation).</summary>
    public static List<(long Offset, int Length)> Batches(string segmentPath)
    {
        var bytes = File.ReadAllBytes(segmentPath);
        var list = new List<(long, int)>();
        long offset = SegmentHeader.Size;
        while (offset + BatchHeader.Size <= bytes.Length
               && BatchHeader.TryRead(bytes.AsSpan((int)offset), out var header))
        {
            list.Add((offset, header.FrameLength));
            offset += header.FrameLength;
        }
        return list;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
