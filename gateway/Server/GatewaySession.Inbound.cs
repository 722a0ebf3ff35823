using System.Buffers;
using Engine.Commands;
using Engine.Gateway.Protocol;

namespace Engine.Gateway.Server;

internal sealed partial class GatewaySession
{
    private async Task ReadLoopAsync()
    {
        while (true)
        {
            var result = await _input.ReadAsync();
            if (result.IsCanceled || !IsOpen || _server.Stopping) return;
            var buffer = result.Buffer;
            var length = buffer.Length;
            Volatile.Write(ref _lastReceivedMs, Environment.TickCount64);
            ReadOutcome outcome;
            _server.EnterReader();
            try
            {
                // counted before the stop check, so a stopping server waits for a batch already decoded to be published
                outcome = _server.Stopping ? ReadOutcome.Close : ProcessFrames(ref buffer);
            }
            finally
            {
                _server.ExitReader();
            }
            _server.Metrics?.BytesReceived(length - buffer.Length);
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (outcome == ReadOutcome.Logout)
            {
                // answer the requests already sent before saying goodbye
                await _server.WaitReleasedAsync(_lastPublished, TimeSpan.FromSeconds(5));
                Logout();
                return;
            }
            if (outcome == ReadOutcome.Close || result.IsCompleted)
            {
                // a refused frame or the peer's end of stream ends the session, but the requests already handed to the
                // engine are answered first: each accepted request gets its response
                await _server.WaitReleasedAsync(_lastPublished, TimeSpan.FromSeconds(5));
                var e = _closingError;
                if (e.Code != RejectCode.None) SendError(e.Code, e.RefType, e.RefSequence, e.RequestId, closing: true);
                return;
            }
        }
    }

    /// <summary>Handles every whole frame in the buffer; valid requests go to the ring in one batch per read.</summary>
    private enum ReadOutcome
    {
        Continue,
        Close,
        Logout,
    }

    private ReadOutcome ProcessFrames(ref ReadOnlySequence<byte> buffer)
    {
        var now = GatewayClock.NowNanoseconds(); // one receive stamp per read
        var count = 0;
        while (true)
        {
            var status = FrameReader.TryRead(ref buffer, _scratch, out var header, out var body);
            if (status == FrameStatus.Incomplete) break;
            if (status != FrameStatus.Complete)
            {
                Publish(count);
                var code = status == FrameStatus.BadVersion ? RejectCode.UnsupportedVersion : RejectCode.MalformedFrame;
                return CloseWith(code, header.Type, header.Sequence, 0);
            }
            if (header.Sequence != _inSequence + 1)
            {
                Publish(count);
                return CloseWith(RejectCode.MalformedFrame, header.Type, header.Sequence, 0);
            }
            _inSequence = header.Sequence;
            switch (header.Type)
            {
                case MessageType.Login:
                    if (LoggedIn) SendError(RejectCode.InvalidField, header.Type, header.Sequence, 0, closing: false);
                    else if (!TryLogin(body, header.Sequence)) return ReadOutcome.Close;
                    continue;
                case MessageType.Heartbeat:
                    if (!LoggedIn || body.Length != HeartbeatMessage.Size)
                    {
                        Publish(count);
                        return CloseWith(LoggedIn ? RejectCode.MalformedFrame : RejectCode.NotLoggedIn, header.Type, header.Sequence, 0);
                    }
                    continue;
                case MessageType.Logout when LoggedIn: // before login it is "any other frame": NotLoggedIn below
                    Publish(count);
                    return ReadOutcome.Logout;
            }
            if (!LoggedIn) return CloseWith(RejectCode.NotLoggedIn, header.Type, header.Sequence, 0);
            ref var command = ref _batch[count];
            command = default;
            switch (RequestDecoder.TryDecode(header.Type, body, ref command))
            {
                case DecodeStatus.UnknownType:
                    SendError(RejectCode.UnknownCommand, header.Type, header.Sequence, RequestDecoder.RequestIdOf(body), closing: false);
                    continue;
                case DecodeStatus.BadLength:
                    Publish(count);
                    return CloseWith(RejectCode.MalformedFrame, header.Type, header.Sequence, RequestDecoder.RequestIdOf(body));
            }
            if (!IsAllowed(ref command))
            {
                SendError(RejectCode.NotAuthorized, header.Type, header.Sequence, RequestDecoder.RequestIdOf(body), closing: false);
                continue;
            }
            command.SessionId = Id;
            command.ReceiveTime = now;
            if (++count == BatchCapacity)
            {
                Publish(count);
                count = 0;
            }
        }
        Publish(count);
        return ReadOutcome.Continue;
    }

    /// <summary>Ends the read loop with a closing error, sent once the requests already published are answered.</summary>
    private ReadOutcome CloseWith(RejectCode code, MessageType refType, uint refSequence, long requestId)
    {
        _closingError = new ErrorMessage(code, refType, closing: true, refSequence, requestId);
        return ReadOutcome.Close;
    }

    /// <summary>Claims <paramref name="count"/> ring slots at once, copies the batch in and publishes the range.</summary>
    /// <remarks>Blocks while the ring is full: a busy engine slows its readers rather than queueing without bound.</remarks>
    private void Publish(int count)
    {
        if (count == 0) return;
        var ring = _server.Ring;
        var hi = ring.Next(count);
        var lo = hi - count + 1;
        for (var i = 0; i < count; i++) ring[lo + i] = _batch[i];
        ring.Publish(lo, hi);
        _lastPublished = hi;
    }

    /// <summary>What a session may send: its role, and for account requests one of its own accounts.</summary>
    private bool IsAllowed(ref Command command)
    {
        switch (command.Type)
        {
            case CommandType.PlaceOrder or CommandType.CancelOrder or CommandType.ReplaceOrder or CommandType.MassCancel
                or CommandType.SetLeverage or CommandType.SetMarginMode or CommandType.AdjustIsolatedMargin:
                return (Roles & SessionRoles.Trader) != 0 && Grants(command.AccountId);
            case CommandType.QueryAccount:
                return (Roles & SessionRoles.Admin) != 0 || ((Roles & SessionRoles.Trader) != 0 && Grants(command.AccountId));
            case CommandType.MarkPrice or CommandType.AssetPrice:
                return (Roles & SessionRoles.PriceFeed) != 0;
            case CommandType.QueryBook:
                return true;
            default:
                return (Roles & SessionRoles.Admin) != 0; // admin commands and snapshots
        }
    }

    private bool Grants(int account)
    {
        foreach (var a in Accounts)
            if (a == account) return true;
        return false;
    }

    private bool TryLogin(ReadOnlySpan<byte> body, uint sequence)
    {
        if (body.Length != LoginMessage.Size)
        {
            SendError(RejectCode.MalformedFrame, MessageType.Login, sequence, 0, closing: true);
            return false;
        }
        var key = LoginMessage.TryRead(body, out var login) ? _server.FindKey(login.Key) : null;
        if (key == null)
        {
            _server.Log($"session {Id}: login refused");
            SendError(RejectCode.NotAuthorized, MessageType.Login, sequence, 0, closing: true);
            return false;
        }
        Roles = key.Roles;
        Accounts = [.. key.Accounts];
        HeartbeatMs = login.HeartbeatMs == 0 ? _server.Options.DefaultHeartbeatMs : Math.Clamp(login.HeartbeatMs, 100, 60_000);
        LoggedIn = true;
        _server.OnLoggedIn(this);
        lock (_writeLock)
        {
            if (_state != Open) return false;
            var span = _output.Writer.GetSpan(FrameHeader.Size + LoginAcceptedMessage.Size);
            FrameWriter.TryWriteLoginAccepted(span, new LoginAcceptedMessage(Id, Roles, HeartbeatMs, Accounts), ++_outSequence, out var written);
            CommitLocked(written);
            FlushLocked();
        }
        return true;
    }

    private void Logout()
    {
        lock (_writeLock)
        {
            if (_state != Open) return;
            var span = _output.Writer.GetSpan(FrameHeader.Size);
            FrameWriter.TryWriteLogout(span, ++_outSequence, out var written);
            CommitLocked(written);
            FlushLocked();
        }
        CloseAfterFlush();
    }
}
