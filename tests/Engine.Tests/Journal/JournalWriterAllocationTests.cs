using Engine.Commands;
using Engine.Tests.Support;
using Journal;

namespace Engine.Tests.Journal;

[Category("Allocation")]
public class JournalWriterAllocationTests
{
    private static long Measure(JournalWriter writer, Command[] stream, int batchSize, long firstSequence)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < stream.Length; i++)
        {
            writer.OnEvent(ref stream[i], firstSequence + i, (i + 1) % batchSize == 0);
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [TestCase(1)]
    [TestCase(64)]
    [TestCase(1024)]
    public void ShouldNotAllocatePerBatchInSteadyState(int batchSize)
    {
        var stream = MixedStream.Generate(41, 20_480);
        var file = new NullJournalFile();
        using var writer = new JournalWriter(new JournalWriterOptions { Directory = Path.GetTempPath(), OpenFile = _ => file, Durability = JournalDurability.Fsync });
        Measure(writer, stream, batchSize, 0); // warm up: first segment opened, code tiered up

        var allocated = Measure(writer, stream, batchSize, stream.Length);

        Assert.That(writer.Fault, Is.Null);
        Assert.That(writer.Journaled.Value, Is.EqualTo(2L * stream.Length - 1));
        Assert.That(allocated, Is.Zero, $"{allocated} bytes over {stream.Length / batchSize} batches");
    }

    [Test]
    public void ShouldReportTheAllocationOfASegmentRoll()
    {
        // negative control: the measurement sees allocation when there is some (a roll opens a new file)
        var stream = MixedStream.Generate(42, 4_096);
        using var writer = new JournalWriter(new JournalWriterOptions
        {
            Directory = Path.GetTempPath(), OpenFile = _ => new NullJournalFile(), SegmentSize = 8 * 1024,
        });
        Measure(writer, stream, 64, 0);
        Assert.That(Measure(writer, stream, 64, stream.Length), Is.GreaterThan(0));
    }
}
