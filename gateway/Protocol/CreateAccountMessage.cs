using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.CreateAccount"/>: create an account. Role: admin.</summary>
/// <remarks>
/// Body of 16 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  AccountId
///     4     4  -    (reserved, zero)
///     8     8  i64  RequestId
/// </code>
/// </remarks>
public readonly struct CreateAccountMessage : IRequestMessage<CreateAccountMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 16;
    /// <summary>Offset of <see cref="AccountId"/>.</summary>
    public const int AccountIdOffset = 0;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;

    /// <summary>New account id.</summary>
    public int AccountId { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.CreateAccount;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out CreateAccountMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new CreateAccountMessage
        {
            AccountId = BinaryPrimitives.ReadInt32LittleEndian(body[AccountIdOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[AccountIdOffset..], AccountId);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.CreateAccount;
        command.AccountId = AccountId;
        command.RequestId = RequestId;
    }
}
