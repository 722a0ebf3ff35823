using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.MassCancel"/>: cancel every open order of an account, or only those in one instrument. Role: trader, for a granted account.</summary>
/// <remarks>
/// Body of 24 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  AccountId
///     4     4  i32  InstrumentId
///     8     8  i64  RequestId
///    16     4  i32  OneInstrument
///    20     4  -    (reserved, zero)
/// </code>
/// </remarks>
public readonly struct MassCancelMessage : IRequestMessage<MassCancelMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 24;
    /// <summary>Offset of <see cref="AccountId"/>.</summary>
    public const int AccountIdOffset = 0;
    /// <summary>Offset of <see cref="InstrumentId"/>.</summary>
    public const int InstrumentIdOffset = 4;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="OneInstrument"/>.</summary>
    public const int OneInstrumentOffset = 16;

    /// <summary>Account.</summary>
    public int AccountId { get; init; }
    /// <summary>Instrument, used when OneInstrument is 1.</summary>
    public int InstrumentId { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }
    /// <summary>1: only InstrumentId; 0: every instrument.</summary>
    public int OneInstrument { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.MassCancel;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out MassCancelMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new MassCancelMessage
        {
            AccountId = BinaryPrimitives.ReadInt32LittleEndian(body[AccountIdOffset..]),
            InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(body[InstrumentIdOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
            OneInstrument = BinaryPrimitives.ReadInt32LittleEndian(body[OneInstrumentOffset..]),
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[AccountIdOffset..], AccountId);
        BinaryPrimitives.WriteInt32LittleEndian(body[InstrumentIdOffset..], InstrumentId);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        BinaryPrimitives.WriteInt32LittleEndian(body[OneInstrumentOffset..], OneInstrument);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.MassCancel;
        command.AccountId = AccountId;
        command.InstrumentId = InstrumentId;
        command.RequestId = RequestId;
        command.InstrumentFilter = OneInstrument;
    }
}
