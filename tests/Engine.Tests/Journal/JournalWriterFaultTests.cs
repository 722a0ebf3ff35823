using Engine.Commands;
using Engine.Ring;
using Engine.Tests.Support;
using Journal;

namespace Engine.Tests.Journal;

/// <summary>
/// When the file layer fails, the writer never acknowledges what is not journaled: <see cref="JournalWriter.Journaled"/>
/// stays at the last batch that completed its durability step, <see cref="JournalWriter.Fault"/> is set, and the
/// writer keeps consuming (the ring does not stall) without writing.
/// </summary>
public class JournalWriterFaultTests
{
    private const int BatchSize = 10;
    private JournalDirectory _dir = null!;
    private Command[] _stream = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new JournalDirectory();
        _stream = MixedStream.Generate(31, 200);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    // call numbers count the segment header write as the first write of each file
    [TestCase(FailOn.Write, 6, JournalDurability.Flush, 4, TestName = "ShouldStopAcknowledgingWhenAWriteFails")]
    [TestCase(FailOn.Flush, 6, JournalDurability.Flush, 5, TestName = "ShouldStopAcknowledgingWhenAFlushFails")]
    [TestCase(FailOn.FlushToDisk, 3, JournalDurability.Fsync, 2, TestName = "ShouldStopAcknowledgingWhenAnFsyncFails")]
    [TestCase(FailOn.Write, 1, JournalDurability.Fsync, 0, TestName = "ShouldNeverAcknowledgeWhenTheFirstSegmentHeaderCannotBeWritten")]
    public void ShouldStopAcknowledgingAtTheLastDurableBatch(FailOn failOn, int failAt, JournalDurability durability, int durableBatches)
    {
        var probe = new JournalFileProbe { FailOn = failOn, FailAt = failAt };
        var faults = new List<Exception>();
        var acknowledged = new List<long>();
        using (var writer = new JournalWriter(_dir.Options(durability, openFile: probe.Factory)))
        {
            writer.OnFault = faults.Add;
            for (var i = 0; i < _stream.Length; i++)
            {
                var end = (i + 1) % BatchSize == 0;
                writer.OnEvent(ref _stream[i], i, end);
                if (end) acknowledged.Add(writer.Journaled.Value);
            }

            var lastDurable = (durableBatches * BatchSize) - 1;
            Assert.That(writer.Journaled.Value, Is.EqualTo(lastDurable), "Journaled stops at the last durable batch");
            Assert.That(acknowledged.Max(), Is.EqualTo(lastDurable), "and never went past it");
            Assert.That(writer.Fault, Is.InstanceOf<IOException>());
            Assert.That(faults, Has.Count.EqualTo(1).And.Contains(writer.Fault));
            Assert.That(writer.Batches, Is.EqualTo(durableBatches));
        }

        // what was acknowledged is on disk; at most a torn tail follows it
        if (durableBatches == 0) return;
        var result = new JournalReader(_dir.Path).Recover(truncate: true);
        Assert.That(result.NextSequence, Is.GreaterThanOrEqualTo(durableBatches * BatchSize));
        var (read, _, _) = _dir.ReadAll();
        Assert.That(read.Take(durableBatches * BatchSize).Select(c => c.ClientOrderId),
            Is.EqualTo(_stream.Take(durableBatches * BatchSize).Select(c => c.ClientOrderId)));
    }

    [Test]
    public void ShouldFaultWithoutAcknowledgingWhenTheSegmentFileCannotBeCreated()
    {
        var writer = new JournalWriter(_dir.Options(openFile: _ => throw new UnauthorizedAccessException("read-only volume")));
        JournalDirectory.Write(writer, _stream, BatchSize);
        Assert.That(writer.Journaled.Value, Is.EqualTo(Sequence.InitialValue));
        Assert.That(writer.Fault, Is.InstanceOf<UnauthorizedAccessException>());
    }

    [Test]
    public void ShouldFaultWhenTheNextSegmentAlreadyExists()
    {
        // CreateNew: a segment is never overwritten, even by a confused restart
        File.WriteAllBytes(Path.Combine(_dir.Path, JournalSegment.FileName(0)), [1, 2, 3]);
        var writer = new JournalWriter(_dir.Options());
        JournalDirectory.Write(writer, _stream, BatchSize);
        Assert.That(writer.Fault, Is.InstanceOf<IOException>());
        Assert.That(writer.Journaled.Value, Is.EqualTo(Sequence.InitialValue));
        Assert.That(File.ReadAllBytes(Path.Combine(_dir.Path, JournalSegment.FileName(0))), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void ShouldKeepConsumingTheRingAfterAFault()
    {
        var probe = new JournalFileProbe { FailOn = FailOn.Flush, FailAt = 3 };
        var ring = ValueRingBuffer<Command>.Create(ProducerType.Single, 64, new BlockingWaitStrategy());
        var writer = new JournalWriter(_dir.Options(openFile: probe.Factory));
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), writer);
        ring.AddGatingSequences(processor.Sequence);
        var task = processor.Start();

        // ten times the ring size: a writer that stopped consuming would block this producer forever
        for (var i = 0; i < 640; i++)
        {
            var seq = ring.Next();
            ring[seq] = _stream[i % _stream.Length];
            ring.Publish(seq);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (processor.Sequence.Value < ring.Cursor && DateTime.UtcNow < deadline) Thread.Sleep(1);
        processor.Halt();
        Assert.That(task.Wait(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(processor.Sequence.Value, Is.EqualTo(639), "consumed everything");
        Assert.That(processor.Fault, Is.Null, "the writer handles its own faults");
        Assert.That(writer.Fault, Is.Not.Null);
        Assert.That(writer.Journaled.Value, Is.LessThan(639));
        Assert.That(probe.Flushes, Is.EqualTo(3), "no more writes after the fault");
    }
}
