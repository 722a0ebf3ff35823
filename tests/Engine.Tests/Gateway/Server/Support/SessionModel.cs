using System.Buffers;
using Engine.Commands;
using Engine.Gateway.Protocol;
using Engine.Gateway.Server;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>
/// A reference model of how the server treats the byte stream of one connection (the contract of docs and
/// gateway-spec: framing, numbering, login, heartbeats, logout, rights), written from the spec, independent of the
/// server's session code. It cuts frames with the catalog's <see cref="FrameReader"/> and decodes with the catalog's
/// <see cref="RequestDecoder"/>, so its predictions say exactly which commands the engine must receive.
/// </summary>
public sealed class SessionModel(IReadOnlyList<AccessKey> keys)
{
    private readonly byte[] _scratch = new byte[FrameHeader.MaxFrameLength];
    private byte[] _pending = new byte[1024];
    private int _pendingLength;
    private uint _inSequence;

    /// <summary>True once the server stops reading this connection (closing error or logout).</summary>
    public bool Ended { get; private set; }

    /// <summary>Bytes of an incomplete frame waiting for the rest.</summary>
    public int PendingBytes => _pendingLength;

    /// <summary>The sequence the next frame must carry.</summary>
    public uint NextSequence => _inSequence + 1;

    public bool LoggedIn { get; private set; }

    public SessionRoles Roles { get; private set; }

    public IReadOnlyList<int> Accounts { get; private set; } = [];

    /// <summary>Everything predicted so far, in frame order.</summary>
    public List<ModelOutcome> Outcomes { get; } = [];

    /// <summary>Appends bytes the client sends and predicts the server's reaction to every frame they complete.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        if (Ended) return;
        if (_pendingLength + bytes.Length > _pending.Length) Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + bytes.Length));
        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += bytes.Length;
        var consumed = 0;
        while (!Ended)
        {
            var buffer = new ReadOnlySequence<byte>(_pending, consumed, _pendingLength - consumed);
            var status = FrameReader.TryRead(ref buffer, _scratch, out var header, out var body);
            if (status == FrameStatus.Incomplete) break;
            if (status != FrameStatus.Complete)
            {
                End(status == FrameStatus.BadVersion ? RejectCode.UnsupportedVersion : RejectCode.MalformedFrame, header, 0);
                break;
            }
            consumed += header.Length;
            OnFrame(header, body);
        }
        if (Ended) consumed = _pendingLength;
        Buffer.BlockCopy(_pending, consumed, _pending, 0, _pendingLength - consumed);
        _pendingLength -= consumed;
    }

    private void OnFrame(FrameHeader header, ReadOnlySpan<byte> body)
    {
        if (header.Sequence != _inSequence + 1)
        {
            End(RejectCode.MalformedFrame, header, 0);
            return;
        }
        _inSequence = header.Sequence;
        switch (header.Type)
        {
            case MessageType.Login when LoggedIn:
                Refuse(RejectCode.InvalidField, header, 0);
                return;
            case MessageType.Login:
                if (body.Length != LoginMessage.Size) End(RejectCode.MalformedFrame, header, 0);
                else if (!LoginMessage.TryRead(body, out var login) || keys.FirstOrDefault(k => k.Key == login.Key) is not { } key)
                    End(RejectCode.NotAuthorized, header, 0);
                else
                {
                    LoggedIn = true;
                    Roles = key.Roles;
                    Accounts = key.Accounts;
                    Outcomes.Add(new ModelOutcome(ModelOutcomeKind.LoginAccepted, Sequence: header.Sequence));
                }
                return;
            case MessageType.Heartbeat:
                if (!LoggedIn) End(RejectCode.NotLoggedIn, header, 0);
                else if (body.Length != HeartbeatMessage.Size) End(RejectCode.MalformedFrame, header, 0);
                return;
            case MessageType.Logout when LoggedIn:
                Outcomes.Add(new ModelOutcome(ModelOutcomeKind.Logout, Sequence: header.Sequence));
                Ended = true;
                return;
        }
        if (!LoggedIn)
        {
            End(RejectCode.NotLoggedIn, header, 0);
            return;
        }
        var command = default(Command);
        switch (RequestDecoder.TryDecode(header.Type, body, ref command))
        {
            case DecodeStatus.UnknownType:
                Refuse(RejectCode.UnknownCommand, header, RequestDecoder.RequestIdOf(body));
                return;
            case DecodeStatus.BadLength:
                End(RejectCode.MalformedFrame, header, RequestDecoder.RequestIdOf(body));
                return;
        }
        if (!Allowed(command))
        {
            Refuse(RejectCode.NotAuthorized, header, RequestDecoder.RequestIdOf(body));
            return;
        }
        Outcomes.Add(new ModelOutcome(ModelOutcomeKind.Command, Command: command, Sequence: header.Sequence));
    }

    /// <summary>The rights table of the spec: trader for its accounts, price feed for prices, admin for the rest and any query.</summary>
    private bool Allowed(in Command command)
    {
        var trader = (Roles & SessionRoles.Trader) != 0 && Accounts.Contains(command.AccountId);
        return command.Type switch
        {
            CommandType.PlaceOrder or CommandType.CancelOrder or CommandType.ReplaceOrder or CommandType.MassCancel or CommandType.SetLeverage
                or CommandType.SetMarginMode or CommandType.AdjustIsolatedMargin => trader,
            CommandType.QueryAccount => trader || (Roles & SessionRoles.Admin) != 0,
            CommandType.MarkPrice or CommandType.AssetPrice => (Roles & SessionRoles.PriceFeed) != 0,
            CommandType.QueryBook => true,
            CommandType.AddInstrument or CommandType.AddInstrumentTier or CommandType.AddAsset or CommandType.CreateAccount or CommandType.Deposit
                or CommandType.Withdraw or CommandType.Snapshot => (Roles & SessionRoles.Admin) != 0,
            _ => throw new InvalidOperationException($"the decoder produced {command.Type}"),
        };
    }

    private void Refuse(RejectCode code, FrameHeader header, long requestId) =>
        Outcomes.Add(new ModelOutcome(ModelOutcomeKind.Error, new ErrorMessage(code, header.Type, closing: false, header.Sequence, requestId), Sequence: header.Sequence));

    private void End(RejectCode code, FrameHeader header, long requestId)
    {
        Outcomes.Add(new ModelOutcome(ModelOutcomeKind.Error, new ErrorMessage(code, header.Type, closing: true, header.Sequence, requestId), Sequence: header.Sequence));
        Ended = true;
    }
}
