using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Turns a request frame's body into an engine command; the server's only dispatch on message type.</summary>
public static class RequestDecoder
{
    /// <summary>Every request body carries its correlation id (or client order id) at this offset.</summary>
    public const int RequestIdOffset = 8;

    /// <summary>Decodes <paramref name="body"/> of a frame of type <paramref name="type"/> into <paramref name="command"/>.</summary>
    /// <remarks>Writes only the request's own fields (the caller clears the command and adds the gateway stamps). No allocation.</remarks>
    public static DecodeStatus TryDecode(MessageType type, ReadOnlySpan<byte> body, ref Command command) => type switch
    {
        MessageType.PlaceOrder => Decode<PlaceOrderMessage>(body, ref command),
        MessageType.CancelOrder => Decode<CancelOrderMessage>(body, ref command),
        MessageType.ReplaceOrder => Decode<ReplaceOrderMessage>(body, ref command),
        MessageType.MassCancel => Decode<MassCancelMessage>(body, ref command),
        MessageType.MarkPrice => Decode<MarkPriceMessage>(body, ref command),
        MessageType.AssetPrice => Decode<AssetPriceMessage>(body, ref command),
        MessageType.AddInstrument => Decode<AddInstrumentMessage>(body, ref command),
        MessageType.AddInstrumentTier => Decode<AddInstrumentTierMessage>(body, ref command),
        MessageType.AddAsset => Decode<AddAssetMessage>(body, ref command),
        MessageType.CreateAccount => Decode<CreateAccountMessage>(body, ref command),
        MessageType.Deposit => Decode<DepositMessage>(body, ref command),
        MessageType.Withdraw => Decode<WithdrawMessage>(body, ref command),
        MessageType.SetLeverage => Decode<SetLeverageMessage>(body, ref command),
        MessageType.SetMarginMode => Decode<SetMarginModeMessage>(body, ref command),
        MessageType.AdjustIsolatedMargin => Decode<AdjustIsolatedMarginMessage>(body, ref command),
        MessageType.QueryAccount => Decode<QueryAccountMessage>(body, ref command),
        MessageType.QueryBook => Decode<QueryBookMessage>(body, ref command),
        MessageType.Snapshot => Decode<SnapshotMessage>(body, ref command),
        _ => DecodeStatus.UnknownType,
    };

    /// <summary>The correlation id of a request body, or 0 when the body is too short to hold one.</summary>
    public static long RequestIdOf(ReadOnlySpan<byte> body) =>
        body.Length >= RequestIdOffset + 8 ? BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]) : 0;

    private static DecodeStatus Decode<T>(ReadOnlySpan<byte> body, ref Command command) where T : struct, IRequestMessage<T>
    {
        if (!T.TryRead(body, out var message)) return DecodeStatus.BadLength;
        message.ToCommand(ref command);
        return DecodeStatus.Ok;
    }
}
