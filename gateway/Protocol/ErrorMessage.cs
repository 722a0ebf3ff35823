using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Server <see cref="MessageType.Error"/>: the gateway refused a frame (it never reached the engine).</summary>
/// <remarks>
/// Body of 16 bytes. When <c>Closing</c> is 1 the server closes the connection after this frame (framing errors,
/// failed login, shutdown); otherwise the session carries on.
/// <code>
///  offset size  type  field
///     0     2  u16   Code (RejectCode: 1xx session, 9xx gateway)
///     2     1  u8    RefType: message type of the refused frame (0 when unknown)
///     3     1  u8    Closing: 1 when the server closes the connection after this frame
///     4     4  u32   RefSequence: frame sequence number of the refused frame (0 when unknown)
///     8     8  i64   RequestId: the refused request's correlation id / client order id, when it could be read (else 0)
/// </code>
/// </remarks>
public readonly struct ErrorMessage
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 16;
    /// <summary>Offset of <see cref="Code"/>.</summary>
    public const int CodeOffset = 0;
    /// <summary>Offset of <see cref="RefType"/>.</summary>
    public const int RefTypeOffset = 2;
    /// <summary>Offset of <see cref="Closing"/>.</summary>
    public const int ClosingOffset = 3;
    /// <summary>Offset of <see cref="RefSequence"/>.</summary>
    public const int RefSequenceOffset = 4;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;

    /// <summary>Creates the message.</summary>
    public ErrorMessage(RejectCode code, MessageType refType, bool closing, uint refSequence, long requestId)
    {
        Code = code;
        RefType = refType;
        Closing = closing;
        RefSequence = refSequence;
        RequestId = requestId;
    }

    /// <summary>Why the frame was refused.</summary>
    public RejectCode Code { get; }
    /// <summary>Type of the refused frame.</summary>
    public MessageType RefType { get; }
    /// <summary>True when the server closes the connection after this frame.</summary>
    public bool Closing { get; }
    /// <summary>Sequence number of the refused frame.</summary>
    public uint RefSequence { get; }
    /// <summary>Correlation id of the refused request, if readable.</summary>
    public long RequestId { get; }

    /// <summary>Reads the body; false when its length is not <see cref="Size"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out ErrorMessage message)
    {
        message = default;
        if (body.Length != Size) return false;
        message = new ErrorMessage((RejectCode)BinaryPrimitives.ReadUInt16LittleEndian(body[CodeOffset..]), (MessageType)body[RefTypeOffset],
            body[ClosingOffset] != 0, BinaryPrimitives.ReadUInt32LittleEndian(body[RefSequenceOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]));
        return true;
    }

    /// <summary>Writes the body; false when the destination is too short.</summary>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        BinaryPrimitives.WriteUInt16LittleEndian(body[CodeOffset..], (ushort)Code);
        body[RefTypeOffset] = (byte)RefType;
        body[ClosingOffset] = Closing ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32LittleEndian(body[RefSequenceOffset..], RefSequence);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        return true;
    }
}
