using System.Buffers;
using System.IO.Pipelines;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.LoadTest.Gateway;

/// <summary>The server side of the transport test, the same for every transport: PlaceOrder frames in, Accepted + Canceled frames out.</summary>
/// <remarks>
/// Frames are cut with <see cref="FrameReader"/> (as the gateway's read loop does), the sequence is checked, the body decoded,
/// and each order is answered by two 104-byte event frames echoing its client order id, written the way the gateway's
/// publisher writes them (one <c>GetSpan</c> / <c>Advance</c> per frame). One instance per connection; does not allocate.
/// </remarks>
public sealed class FrameAnswerer
{
    /// <summary>Bytes of one request: a PlaceOrder frame.</summary>
    public const int RequestBytes = FrameHeader.Size + PlaceOrderMessage.Size;

    /// <summary>Bytes of one answer: two event frames.</summary>
    public const int ResponseBytes = 2 * (FrameHeader.Size + EventMessage.Size);

    private readonly byte[] _scratch = new byte[FrameHeader.MaxFrameLength];
    private uint _inSequence;
    private uint _outSequence;

    /// <summary>Answers every whole frame at the start of <paramref name="buffer"/> (advanced past them) into <paramref name="output"/>.</summary>
    /// <returns>Frames answered, or -1 on a frame that is not a well-formed PlaceOrder in sequence.</returns>
    public int Answer(ref ReadOnlySequence<byte> buffer, PipeWriter output)
    {
        var count = 0;
        while (true)
        {
            var status = FrameReader.TryRead(ref buffer, _scratch, out var header, out var body);
            if (status == FrameStatus.Incomplete) return count;
            if (status != FrameStatus.Complete || header.Sequence != _inSequence + 1 || header.Type != MessageType.PlaceOrder
                || !PlaceOrderMessage.TryRead(body, out var order))
                return -1;
            _inSequence = header.Sequence;
            var e = new OutputEvent
            {
                Type = EventType.Accepted,
                CommandType = CommandType.PlaceOrder,
                AccountId = order.AccountId,
                InstrumentId = order.InstrumentId,
                ClientOrderId = order.ClientOrderId,
                Price = order.Price,
                Quantity = order.Quantity,
                Side = order.Side,
                InputSequence = header.Sequence,
            };
            Write(output, in e);
            e.Type = EventType.Canceled;
            Write(output, in e);
            count++;
        }
    }

    private void Write(PipeWriter output, in OutputEvent e)
    {
        var span = output.GetSpan(FrameHeader.Size + EventMessage.Size);
        FrameWriter.TryWriteEvent(span, in e, ++_outSequence, out var written);
        output.Advance(written);
    }
}
