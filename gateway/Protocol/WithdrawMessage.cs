using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.Withdraw"/>: debit an account in an asset (refused if it would leave the account short of margin). Role: admin.</summary>
/// <remarks>
/// Body of 24 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  AccountId
///     4     4  i32  AssetId
///     8     8  i64  RequestId
///    16     8  i64  Amount
/// </code>
/// </remarks>
public readonly struct WithdrawMessage : IRequestMessage<WithdrawMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 24;
    /// <summary>Offset of <see cref="AccountId"/>.</summary>
    public const int AccountIdOffset = 0;
    /// <summary>Offset of <see cref="AssetId"/>.</summary>
    public const int AssetIdOffset = 4;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="Amount"/>.</summary>
    public const int AmountOffset = 16;

    /// <summary>Account.</summary>
    public int AccountId { get; init; }
    /// <summary>Asset.</summary>
    public int AssetId { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }
    /// <summary>Amount, 1e-6 units of the asset.</summary>
    public long Amount { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.Withdraw;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out WithdrawMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new WithdrawMessage
        {
            AccountId = BinaryPrimitives.ReadInt32LittleEndian(body[AccountIdOffset..]),
            AssetId = BinaryPrimitives.ReadInt32LittleEndian(body[AssetIdOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
            Amount = BinaryPrimitives.ReadInt64LittleEndian(body[AmountOffset..]),
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[AccountIdOffset..], AccountId);
        BinaryPrimitives.WriteInt32LittleEndian(body[AssetIdOffset..], AssetId);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        BinaryPrimitives.WriteInt64LittleEndian(body[AmountOffset..], Amount);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.Withdraw;
        command.AccountId = AccountId;
        command.AssetId = AssetId;
        command.RequestId = RequestId;
        command.Amount = Amount;
    }
}
