using Engine.Commands;
using Engine.Events;
using Engine.Pipeline;
using Engine.Ring;
using Engine.Tests.Support;

namespace Engine.Tests.Pipeline;

/// <summary><see cref="PipelineOptions.LogicCpu"/>: the logic thread alone on its CPU, the other stages elsewhere.</summary>
public class PipelinePinningTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    private sealed class CountingPublisher : IValueEventHandler<OutputEvent>
    {
        public long Count;

        public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch) => Volatile.Write(ref Count, Count + 1);
    }

    private sealed class ImmediateJournal : ICommandJournal
    {
        public Sequence Durable { get; } = new();

        public Exception? Fault => null;

        public void OnEvent(ref Command data, long sequence, bool endOfBatch)
        {
            if (endOfBatch) Durable.SetValue(sequence);
        }
    }

    [TestCase(PipelineLayout.JournalThenPublish)]
    [TestCase(PipelineLayout.ParallelJournal)]
    [Platform("Linux")]
    public void ShouldRunTheLogicThreadAloneOnItsCpuAndTheOtherStagesOnTheRest(PipelineLayout layout)
    {
        Assume.That(Environment.ProcessorCount, Is.GreaterThanOrEqualTo(2), "needs 2 CPUs");
        var cpu = Environment.ProcessorCount - 1;
        var publisher = new CountingPublisher();
        var options = new PipelineOptions
        {
            InputWait = () => new BlockingWaitStrategy(),
            OutputWait = () => new BlockingWaitStrategy(),
            Layout = layout,
            LogicCpu = cpu,
        };
        var pipeline = new EnginePipeline<CountingPublisher>(options, publisher, new ImmediateJournal());
        var before = ThreadsByName().Select(t => t.Tid).ToHashSet();
        pipeline.Start();
        try
        {
            for (var a = 1; a <= 100; a++) pipeline.Submit(Cmd.CreateAccount(a));
            Assert.That(pipeline.Drain(_timeout), Is.True);
            Assert.That(Volatile.Read(ref publisher.Count), Is.EqualTo(100), "the pinned pipeline still answers every command");

            var stages = ThreadsByName().Where(t => !before.Contains(t.Tid) && t.Name.StartsWith("engine-", StringComparison.Ordinal)).ToList();
            var logic = stages.Where(t => t.Name == "engine-logic").ToList();
            Assert.That(logic, Has.Count.EqualTo(1));
            Assert.That(AllowedCpus(logic[0].Tid), Is.EqualTo(1UL << cpu), "the logic thread may run only on its CPU");
            var others = stages.Where(t => t.Name != "engine-logic").ToList();
            Assert.That(others, Has.Count.EqualTo(layout == PipelineLayout.ParallelJournal ? 2 : 1), "journal and publisher stages");
            foreach (var t in others)
                Assert.That(AllowedCpus(t.Tid) & (1UL << cpu), Is.Zero, $"{t.Name} stays off the logic's CPU");
        }
        finally
        {
            pipeline.Stop(_timeout);
        }
    }

    [TestCase(-1)]
    [TestCase(64)]
    [TestCase(int.MaxValue)]
    public void ShouldRefuseACpuThatCannotBeGivenToTheLogicThread(int cpu)
    {
        var options = new PipelineOptions { LogicCpu = cpu };

        var ex = Assert.Throws<ArgumentException>(() => _ = new EnginePipeline<CountingPublisher>(options, new CountingPublisher()));
        Assert.That(ex!.Message, Does.StartWith("LogicCpu: "));
    }

    [Test]
    public void ShouldRefuseTheOnlyCpuOfTheMachineOrAMissingOne()
    {
        var options = new PipelineOptions { LogicCpu = Environment.ProcessorCount };

        var ex = Assert.Throws<ArgumentException>(() => _ = new EnginePipeline<CountingPublisher>(options, new CountingPublisher()));
        Assert.That(ex!.Message, Does.Contain(Environment.ProcessorCount < 2 ? "at least 2 CPUs" : "does not exist").Or.Contain("Linux"));
    }

    /// <summary>The threads of this process: id and name (<c>/proc/self/task/*/comm</c>, at most 15 characters).</summary>
    internal static List<(int Tid, string Name)> ThreadsByName()
    {
        var threads = new List<(int, string)>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                threads.Add((int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n')));
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return threads;
    }

    /// <summary>The CPU mask from <c>/proc/self/task/&lt;tid&gt;/status</c> (Cpus_allowed, hex, CPUs 0 to 63).</summary>
    internal static ulong AllowedCpus(int tid)
    {
        var line = File.ReadLines($"/proc/self/task/{tid}/status").First(l => l.StartsWith("Cpus_allowed:", StringComparison.Ordinal));
        var hex = line["Cpus_allowed:".Length..].Trim().Replace(",", "", StringComparison.Ordinal);
        return Convert.ToUInt64(hex[^Math.Min(16, hex.Length)..], 16);
    }

    /// <summary>The calling thread's id (<c>/proc/thread-self</c>).</summary>
    internal static int CurrentThreadId() =>
        int.Parse(Path.GetFileName(new DirectoryInfo("/proc/thread-self").ResolveLinkTarget(false)!.FullName), System.Globalization.CultureInfo.InvariantCulture);
}
