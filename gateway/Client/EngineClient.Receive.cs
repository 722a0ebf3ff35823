using System.Buffers;
using System.IO.Pipelines;
using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.Gateway.Client;

// Receive path: one loop cuts frames off the socket's pipe, raises events and completes awaitable requests.
public sealed partial class EngineClient
{
    private readonly PipeReader _receiveReader;
    private readonly byte[] _scratch = new byte[FrameHeader.MaxFrameLength];
    private uint _receivedSequence; // the server's last frame sequence; receive loop only
    private long _lastReceiveTicks;
    private bool _loggingOut;

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _receiveReader.ReadAsync().ConfigureAwait(false);
                Volatile.Write(ref _lastReceiveTicks, Environment.TickCount64);
                var buffer = result.Buffer;
                var open = ProcessFrames(ref buffer);
                _receiveReader.AdvanceTo(buffer.Start, buffer.End);
                if (!open) return;
                if (result.IsCompleted)
                {
                    if (!Volatile.Read(ref _loggingOut)) error = new EngineClientException("the server closed the connection");
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            if (IsConnected) error = ex as EngineClientException ?? new EngineClientException($"the receive loop failed (connection or event handler): {ex.Message}", ex);
        }
        finally
        {
            await _receiveReader.CompleteAsync().ConfigureAwait(false);
        }
        Shutdown(error);
    }

    /// <summary>Handles every whole frame in <paramref name="buffer"/>; false when the session has ended.</summary>
    private bool ProcessFrames(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            var status = FrameReader.TryRead(ref buffer, _scratch, out var header, out var body);
            if (status == FrameStatus.Incomplete) return true;
            if (status != FrameStatus.Complete)
            {
                Shutdown(new EngineClientException($"the server sent a malformed frame ({status})"));
                return false;
            }
            if (header.Sequence != _receivedSequence + 1)
            {
                Shutdown(new EngineClientException($"the server's frame {header.Sequence} follows frame {_receivedSequence}"));
                return false;
            }
            _receivedSequence = header.Sequence;
            if (!Dispatch(header.Type, body)) return false;
        }
    }

    private bool Dispatch(MessageType type, ReadOnlySpan<byte> body)
    {
        switch (type)
        {
            case MessageType.Event:
                if (!EventMessage.TryRead(body, out var e)) return Malformed(type);
                OnEvent(in e);
                return true;
            case MessageType.Heartbeat:
                return true;
            case MessageType.Error:
                if (!ErrorMessage.TryRead(body, out var error)) return Malformed(type);
                return OnError(in error);
            case MessageType.LoginAccepted:
                if (!LoginAcceptedMessage.TryRead(body, out var accepted)) return Malformed(type);
                _login.TrySetResult(accepted);
                return true;
            case MessageType.Logout:
                Shutdown(null);
                return false;
            default:
                return true; // a newer server's message: not ours to refuse
        }
    }

    private bool Malformed(MessageType type)
    {
        Shutdown(new EngineClientException($"the server sent a {type} frame with a body of the wrong length"));
        return false;
    }

    private void OnEvent(in OutputEvent e)
    {
        EventReceived?.Invoke(in e);

        PendingRequest? done = null;
        if (IsResponse(in e))
        {
            if (e.SessionId != SessionId) return;
            lock (_pendingLock)
            {
                if (!_pendingById.Remove(e.ClientOrderId, out done)) return;
                _pendingBySequence.Remove(done.Sequence);
                if (done.ExpectsRows && e.Type == EventType.Accepted && e.Count > 0)
                {
                    done.Response = e;
                    done.Rows = new List<OutputEvent>(e.Count);
                    _collecting[e.InputSequence] = done;
                    return;
                }
            }
            done.Completion.TrySetResult(new EngineResponse(in e, [], false, done.RequestId, done.Sequence));
            return;
        }

        if (e.Type < EventType.BookLevel) return;
        lock (_pendingLock)
        {
            if (_collecting.Count == 0 || !_collecting.TryGetValue(e.InputSequence, out done)) return;
            done.Rows!.Add(e);
            if (done.Rows.Count < done.Response.Count) return;
            _collecting.Remove(e.InputSequence);
        }
        done.Completion.TrySetResult(new EngineResponse(done.Response, done.Rows, false, done.RequestId, done.Sequence));
    }

    /// <summary>A gateway refusal: completes the request it refers to (by frame sequence, else by request id); false when closing.</summary>
    private bool OnError(in ErrorMessage error)
    {
        ErrorReceived?.Invoke(error);
        if (!_login.Task.IsCompleted)
        {
            _login.TrySetException(new EngineClientException($"login refused: {error.Code}", error.Code));
        }
        else
        {
            PendingRequest? refused = null;
            lock (_pendingLock)
            {
                if (error.RefSequence != 0)
                {
                    if (_pendingBySequence.Remove(error.RefSequence, out refused)) _pendingById.Remove(refused.RequestId);
                }
                else if (error.RequestId != 0 && _pendingById.Remove(error.RequestId, out refused))
                {
                    _pendingBySequence.Remove(refused.Sequence);
                }
            }
            if (refused is not null)
            {
                var e = new OutputEvent
                {
                    Type = EventType.Rejected,
                    Code = (ushort)error.Code,
                    SessionId = SessionId,
                    ClientOrderId = refused.RequestId,
                };
                refused.Completion.TrySetResult(new EngineResponse(in e, [], true, refused.RequestId, refused.Sequence));
            }
        }
        if (!error.Closing) return true;
        Shutdown(new EngineClientException($"the server closed the session: {error.Code}", error.Code));
        return false;
    }
}
