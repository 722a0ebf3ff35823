using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Client.Support;

/// <summary>The fake gateway's side of one connection: logs the client in as the real server would, then records what it
/// receives and sends what the test tells it to.</summary>
internal sealed class FakeSession : IAsyncDisposable
{
    private readonly FakeGatewayServer _server;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<FakeRequest> _requests = Channel.CreateUnbounded<FakeRequest>();
    private readonly TaskCompletionSource<LoginMessage> _login = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _readLoop;
    private uint _sentSequence;
    private uint _receivedSequence;
    private int _heartbeats;
    private int _requestCount;

    public FakeSession(FakeGatewayServer server, Socket socket)
    {
        _server = server;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _readLoop = ReadLoopAsync();
    }

    public int SessionId { get; private set; }

    public int HeartbeatMs { get; private set; }

    /// <summary>The client's Login, once received (and its frame sequence in <see cref="LoginSequence"/>).</summary>
    public Task<LoginMessage> Login => _login.Task;

    public uint LoginSequence { get; private set; }

    public int HeartbeatsReceived => Volatile.Read(ref _heartbeats);

    public int RequestsReceived => Volatile.Read(ref _requestCount);

    /// <summary>True once the client sent a frame out of sequence (the real server refuses it and closes).</summary>
    public bool SequenceBroken { get; private set; }

    public bool LogoutReceived { get; private set; }

    /// <summary>Completes when the connection has ended.</summary>
    public Task Closed => _closed.Task;

    public async Task<FakeRequest> NextRequestAsync() => await _requests.Reader.ReadAsync().AsTask().WaitAsync(FakeGatewayServer.Timeout);

    /// <summary>Answers with Accepted (Count = rows), then the rows under the same input sequence; returns that sequence.</summary>
    public async Task<long> AcceptAsync(FakeRequest request, long orderId = 0, params OutputEvent[] rows)
    {
        var sequence = _server.NextInputSequence();
        var accepted = Response(request, EventType.Accepted, sequence);
        accepted.OrderId = orderId;
        accepted.Count = rows.Length;
        await SendEventAsync(accepted);
        foreach (var row in rows)
        {
            var r = row;
            r.InputSequence = sequence;
            r.SessionId = SessionId;
            r.ClientOrderId = request.RequestId;
            await SendEventAsync(r);
        }
        return sequence;
    }

    public Task RejectAsync(FakeRequest request, RejectCode code)
    {
        var rejected = Response(request, EventType.Rejected, _server.NextInputSequence());
        rejected.Code = (ushort)code;
        return SendEventAsync(rejected);
    }

    public Task SendEventAsync(OutputEvent e) => SendAsync((frame, sequence) => FrameWriter.TryWriteEvent(frame, in e, sequence, out var n) ? n : 0);

    public Task SendErrorAsync(RejectCode code, FakeRequest? refused, bool closing) =>
        SendAsync((frame, sequence) =>
            FrameWriter.TryWriteError(frame, new ErrorMessage(code, refused?.Type ?? default, closing, refused?.Sequence ?? 0, refused?.RequestId ?? 0), sequence, out var n) ? n : 0);

    public Task SendLogoutAsync() => SendAsync((frame, sequence) => FrameWriter.TryWriteLogout(frame, sequence, out var n) ? n : 0);

    public Task SendHeartbeatAsync() => SendAsync((frame, sequence) => FrameWriter.TryWriteHeartbeat(frame, 0, sequence, out var n) ? n : 0);

    /// <summary>Drops the connection without a word.</summary>
    public void Abort()
    {
        _stop.Cancel();
        _socket.Close(0);
        _closed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        try
        {
            await _readLoop;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // closed
        }
        _stream.Dispose();
    }

    private OutputEvent Response(FakeRequest request, EventType type, long inputSequence) => new()
    {
        Type = type,
        CommandType = (CommandType)((byte)request.Type - 10),
        SessionId = SessionId,
        ClientOrderId = request.RequestId,
        InputSequence = inputSequence,
    };

    private async Task SendAsync(Func<byte[], uint, int> write)
    {
        var frame = new byte[FrameHeader.MaxFrameLength];
        await _writeLock.WaitAsync();
        try
        {
            var length = write(frame, _sentSequence + 1);
            if (length == 0) throw new InvalidOperationException("frame did not fit");
            _sentSequence++;
            await _stream.WriteAsync(frame.AsMemory(0, length));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        var scratch = new byte[FrameHeader.MaxFrameLength];
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                var actions = new List<Func<Task>>();
                var open = Parse(ref buffer, scratch, actions);
                reader.AdvanceTo(buffer.Start, buffer.End);
                foreach (var action in actions) await action();
                if (!open || result.IsCompleted) break;
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // the client went away, or the test aborted
        }
        finally
        {
            await reader.CompleteAsync();
            _closed.TrySetResult();
        }
    }

    /// <summary>Cuts whole frames; what to send back is collected as actions (no await while the buffer is held).</summary>
    private bool Parse(ref ReadOnlySequence<byte> buffer, byte[] scratch, List<Func<Task>> actions)
    {
        while (true)
        {
            var status = FrameReader.TryRead(ref buffer, scratch, out var header, out var body);
            if (status == FrameStatus.Incomplete) return true;
            if (status != FrameStatus.Complete || header.Sequence != _receivedSequence + 1)
            {
                SequenceBroken |= status == FrameStatus.Complete;
                actions.Add(() => CloseWithAsync(RejectCode.MalformedFrame, null));
                return false;
            }
            _receivedSequence = header.Sequence;
            if (!_login.Task.IsCompleted)
            {
                if (!HandleLogin(header, body, actions)) return false;
                continue;
            }
            switch (header.Type)
            {
                case MessageType.Heartbeat:
                    Interlocked.Increment(ref _heartbeats);
                    break;
                case MessageType.Logout:
                    LogoutReceived = true;
                    actions.Add(SendLogoutAsync);
                    actions.Add(() =>
                    {
                        Abort();
                        return Task.CompletedTask;
                    });
                    return false;
                default:
                    Interlocked.Increment(ref _requestCount);
                    var request = new FakeRequest(header.Type, header.Sequence, RequestDecoder.RequestIdOf(body), body.ToArray());
                    if (_server.AutoReply) actions.Add(() => AcceptAsync(request, request.RequestId + 1));
                    else _requests.Writer.TryWrite(request);
                    break;
            }
        }
    }

    private bool HandleLogin(FrameHeader header, ReadOnlySpan<byte> body, List<Func<Task>> actions)
    {
        if (header.Type != MessageType.Login)
        {
            actions.Add(() => CloseWithAsync(RejectCode.NotLoggedIn, null));
            return false;
        }
        if (!LoginMessage.TryRead(body, out var login) || !FakeGatewayServer.Keys.TryGetValue(login.Key, out var grant))
        {
            _login.TrySetResult(login);
            actions.Add(() => CloseWithAsync(RejectCode.NotAuthorized, null));
            return false;
        }
        LoginSequence = header.Sequence;
        SessionId = _server.NextSessionId();
        HeartbeatMs = login.HeartbeatMs == 0 ? _server.DefaultHeartbeatMs : Math.Clamp(login.HeartbeatMs, 100, 60_000);
        var accepted = new LoginAcceptedMessage(SessionId, grant.Roles, HeartbeatMs, grant.Accounts);
        actions.Add(() => SendAsync((frame, sequence) => FrameWriter.TryWriteLoginAccepted(frame, in accepted, sequence, out var n) ? n : 0));
        if (_server.SendHeartbeats) _ = HeartbeatLoopAsync();
        _login.TrySetResult(login);
        return true;
    }

    private async Task CloseWithAsync(RejectCode code, FakeRequest? refused)
    {
        await SendErrorAsync(code, refused, closing: true);
        Abort();
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(HeartbeatMs));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await SendHeartbeatAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // closed
        }
    }
}
