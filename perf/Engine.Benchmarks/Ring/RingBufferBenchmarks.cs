using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Engine.Ring;

namespace Engine.Benchmarks.Ring;

/// <summary>
/// One producer, one consumer throughput: our <see cref="ValueRingBuffer{T}"/> (single-producer sequencer,
/// consumer on its own dedicated thread) against a bounded single-reader/single-writer
/// <see cref="Channel{T}"/> of the same capacity, moving a 16-byte struct.
/// </summary>
/// <remarks>
/// Each invoke pushes <see cref="N"/> items and returns once the consumer has seen the last one, so the
/// figures are per item (OperationsPerInvoke = N). Wait strategies are in the names:
/// <c>Ring_SingleProducer_YieldingWait</c> uses <see cref="YieldingWaitStrategy"/> (spin then yield) and
/// <c>Ring_SingleProducer_BusySpinWait</c> uses <see cref="BusySpinWaitStrategy"/> (never leaves the core).
/// Producers in every variant back off with <see cref="SpinWait"/> when the queue is full, so the channel's
/// writer does not need an async wait (which would allocate a task per stall).
/// Run: <c>dotnet run -c Release --project perf/Engine.Benchmarks -- --filter '*RingBuffer*' --job short</c>.
/// </remarks>
[MemoryDiagnoser]
public class RingBufferBenchmarks
{
    /// <summary>Items moved per benchmark invocation.</summary>
    public const int N = 1_000_000;

    /// <summary>Slots in the ring and in the bounded channel.</summary>
    public const int Capacity = 1024;

    private ValueRingBuffer<Payload> _ring = null!;
    private ValueBatchEventProcessor<Payload, SummingHandler> _processor = null!;
    private Task _processorStopped = Task.CompletedTask;

    private Channel<Payload> _channel = null!;
    private CancellationTokenSource _channelStop = null!;
    private Task _channelConsumer = Task.CompletedTask;
    private long _channelConsumed;
    private long _channelSum;
    private long _channelTarget;

    [GlobalSetup(Target = nameof(Ring_SingleProducer_YieldingWait))]
    public void SetupYieldingRing() => SetupRing(new YieldingWaitStrategy());

    [GlobalSetup(Target = nameof(Ring_SingleProducer_BusySpinWait))]
    public void SetupBusySpinRing() => SetupRing(new BusySpinWaitStrategy());

    [GlobalCleanup(Targets = [nameof(Ring_SingleProducer_YieldingWait), nameof(Ring_SingleProducer_BusySpinWait)])]
    public void CleanupRing()
    {
        _processor.Halt();
        _processorStopped.GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(Channel_BoundedSingleReaderSingleWriter))]
    public void SetupChannel()
    {
        _channel = Channel.CreateBounded<Payload>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _channelStop = new CancellationTokenSource();
        _channelConsumer = Task.Run(() => ConsumeChannelAsync(_channel.Reader, _channelStop.Token));
    }

    [GlobalCleanup(Target = nameof(Channel_BoundedSingleReaderSingleWriter))]
    public void CleanupChannel()
    {
        _channel.Writer.Complete();
        _channelConsumer.GetAwaiter().GetResult();
        _channelStop.Dispose();
    }

    /// <summary>Ring, single-producer sequencer, consumer waits with <see cref="YieldingWaitStrategy"/>.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public long Ring_SingleProducer_YieldingWait() => PublishToRing();

    /// <summary>Ring, single-producer sequencer, consumer waits with <see cref="BusySpinWaitStrategy"/>.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public long Ring_SingleProducer_BusySpinWait() => PublishToRing();

    /// <summary>Bounded SPSC channel; consumer is an async loop on the thread pool.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    public long Channel_BoundedSingleReaderSingleWriter()
    {
        ChannelWriter<Payload> writer = _channel.Writer;
        long start = _channelTarget;
        for (int i = 0; i < N; i++)
        {
            var item = new Payload(start + i, i);
            if (!writer.TryWrite(item))
            {
                SpinWait full = default;
                do
                {
                    full.SpinOnce();
                }
                while (!writer.TryWrite(item));
            }
        }

        _channelTarget = start + N;
        SpinWait drain = default;
        while (Volatile.Read(ref _channelConsumed) < _channelTarget)
        {
            drain.SpinOnce();
        }

        return Volatile.Read(ref _channelSum);
    }

    private void SetupRing(IWaitStrategy waitStrategy)
    {
        _ring = ValueRingBuffer<Payload>.Create(ProducerType.Single, Capacity, waitStrategy);
        _processor = ValueBatchEventProcessor.Create(_ring, _ring.NewBarrier(), new SummingHandler());
        _ring.AddGatingSequences(_processor.Sequence);
        _processorStopped = _processor.Start("bench-consumer");
    }

    private long PublishToRing()
    {
        ValueRingBuffer<Payload> ring = _ring;
        long last = 0;
        for (int i = 0; i < N; i++)
        {
            last = ring.Next();
            ref Payload slot = ref ring[last];
            slot.Id = last;
            slot.Value = i;
            ring.Publish(last);
        }

        Sequence consumed = _processor.Sequence;
        SpinWait drain = default;
        while (consumed.Value < last)
        {
            drain.SpinOnce();
        }

        return last;
    }

    private async Task ConsumeChannelAsync(ChannelReader<Payload> reader, CancellationToken token)
    {
        long sum = 0;
        long consumed = 0;
        while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
        {
            while (reader.TryRead(out Payload item))
            {
                sum += item.Value;
                consumed++;
            }

            Volatile.Write(ref _channelSum, sum);
            Volatile.Write(ref _channelConsumed, consumed);
        }
    }

    /// <summary>16-byte payload.</summary>
    public struct Payload(long id, long value)
    {
        public long Id = id;
        public long Value = value;
    }

    /// <summary>Consumer: sums the payloads so the work cannot be optimised away.</summary>
    private struct SummingHandler : IValueEventHandler<Payload>
    {
        private long _sum;

        public void OnEvent(ref Payload data, long sequence, bool endOfBatch) => _sum += data.Value;
    }
}
