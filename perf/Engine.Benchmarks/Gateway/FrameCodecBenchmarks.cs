using System.Buffers;
using BenchmarkDotNet.Attributes;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.Benchmarks.Gateway;

/// <summary>
/// The gateway's binary codec, per frame: a client writing PlaceOrder frames, the server's read loop cutting frames
/// out of a received buffer and decoding each into a ring <see cref="Command"/>, and the publisher encoding each
/// <see cref="OutputEvent"/> into an Event frame.
/// </summary>
/// <remarks>
/// Each invocation handles <see cref="Frames"/> frames (declared as <c>OperationsPerInvoke</c>), so Mean is per frame.
/// Nothing allocates. Run: <c>dotnet run -c Release --project perf/Engine.Benchmarks -- --filter '*FrameCodec*' --job short</c>.
/// </remarks>
[MemoryDiagnoser]
public class FrameCodecBenchmarks
{
    /// <summary>Frames per invocation.</summary>
    public const int Frames = 1024;

    private const int RequestFrame = FrameHeader.Size + PlaceOrderMessage.Size;
    private const int EventFrame = FrameHeader.Size + EventMessage.Size;

    private readonly byte[] _requests = new byte[Frames * RequestFrame];
    private readonly byte[] _events = new byte[Frames * EventFrame];
    private readonly byte[] _scratch = new byte[FrameHeader.MaxFrameLength];
    private readonly Command[] _commands = new Command[Frames];
    private readonly PlaceOrderMessage[] _orders = new PlaceOrderMessage[Frames];
    private readonly OutputEvent[] _outputs = new OutputEvent[Frames];

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < Frames; i++)
        {
            _orders[i] = new PlaceOrderMessage
            {
                AccountId = 100 + (i % 50),
                InstrumentId = 1,
                ClientOrderId = 1_000_000 + i,
                Price = (99_000 + (i % 100)) * FixedPoint.PriceScale,
                Quantity = FixedPoint.QuantityScale / 1000 * (1 + (i % 7)),
                Side = (i & 1) == 0 ? Side.Buy : Side.Sell,
                OrderType = OrderType.Limit,
                TimeInForce = TimeInForce.GoodTillCancel,
            };
            _outputs[i] = new OutputEvent { Type = EventType.Accepted, InputSequence = i, AccountId = 100 + (i % 50), OrderId = i, ClientOrderId = 1_000_000 + i };
        }
        WritePlaceOrders();
    }

    /// <summary>A client writing PlaceOrder frames (header + 40-byte body) back to back into its send buffer.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public int WritePlaceOrders()
    {
        Span<byte> buffer = _requests;
        var at = 0;
        for (var i = 0; i < Frames; i++)
        {
            if (!FrameWriter.TryWriteRequest(buffer[at..], in _orders[i], (uint)i, out var written)) throw new InvalidOperationException("buffer too small");
            at += written;
        }
        return at;
    }

    /// <summary>The server's read loop: cut each frame out of the received bytes, decode its body into a ring command.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public long ReadAndDecodePlaceOrders()
    {
        var buffer = new ReadOnlySequence<byte>(_requests);
        long sum = 0;
        for (var i = 0; i < Frames; i++)
        {
            if (FrameReader.TryRead(ref buffer, _scratch, out var header, out var body) != FrameStatus.Complete) throw new InvalidOperationException("bad frame");
            if (RequestDecoder.TryDecode(header.Type, body, ref _commands[i]) != DecodeStatus.Ok) throw new InvalidOperationException("bad body");
            sum += _commands[i].Price;
        }
        return sum;
    }

    /// <summary>The publisher: one Event frame (header + the 96-byte event) per engine event.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public int WriteEvents()
    {
        Span<byte> buffer = _events;
        var at = 0;
        for (var i = 0; i < Frames; i++)
        {
            if (!FrameWriter.TryWriteEvent(buffer[at..], in _outputs[i], (uint)i, out var written)) throw new InvalidOperationException("buffer too small");
            at += written;
        }
        return at;
    }
}
