using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>
/// A bare test client over a real socket: sends catalog frames numbered 1, 2, 3, ... or any bytes at all, and
/// collects every frame the server sends, checking the server's own framing (lengths, version, consecutive sequences).
/// </summary>
/// <remarks>
/// Not the client library: nothing here retries, heartbeats or interprets beyond indexing responses by client order id.
/// Waits take a generous deadline that only detects hangs; no test asserts on time.
/// </remarks>
public sealed class RawClient : IAsyncDisposable
{
    /// <summary>The hang detector of every wait.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<ReceivedFrame> _frames = [];
    private readonly Dictionary<long, List<OutputEvent>> _responses = [];
    private TaskCompletionSource _changed = NewSignal();
    private Task? _receiveTask;
    private uint _sequence;
    private uint _lastReceivedSequence;
    private int _responseCount;
    private int _errorCount;
    private bool _remoteClosed;
    private string? _violation;
    private LoginAcceptedMessage? _login;

    private RawClient(Socket socket) => _socket = socket;

    /// <summary>Connects to the server on the loopback interface.</summary>
    /// <param name="port">The server's port.</param>
    /// <param name="receiveBufferSize">The socket's receive buffer (0: the system's default), set before connecting.</param>
    /// <param name="startReading">False to read nothing until <see cref="StartReading"/> (a slow consumer).</param>
    public static async Task<RawClient> ConnectAsync(int port, int receiveBufferSize = 0, bool startReading = true)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize > 0) socket.ReceiveBufferSize = receiveBufferSize;
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var client = new RawClient(socket);
        if (startReading) client.StartReading();
        return client;
    }

    /// <summary>The session id from LoginAccepted (0 before).</summary>
    public int SessionId
    {
        get
        {
            lock (_lock) return _login?.SessionId ?? 0;
        }
    }

    /// <summary>The LoginAccepted message, once received.</summary>
    public LoginAcceptedMessage? Login
    {
        get
        {
            lock (_lock) return _login;
        }
    }

    /// <summary>The sequence number the next catalog frame will carry.</summary>
    public uint NextSequence => _sequence + 1;

    /// <summary>True once the server closed the connection (end of stream or reset).</summary>
    public bool RemoteClosed
    {
        get
        {
            lock (_lock) return _remoteClosed;
        }
    }

    /// <summary>What was wrong with the server's stream, or null.</summary>
    public string? Violation
    {
        get
        {
            lock (_lock) return _violation;
        }
    }

    /// <summary>Accepted and Rejected events received.</summary>
    public int ResponseCount
    {
        get
        {
            lock (_lock) return _responseCount;
        }
    }

    /// <summary>Error frames received.</summary>
    public int ErrorCount
    {
        get
        {
            lock (_lock) return _errorCount;
        }
    }

    /// <summary>A copy of every frame received so far, in order.</summary>
    public List<ReceivedFrame> Frames()
    {
        lock (_lock) return [.. _frames];
    }

    /// <summary>Every engine event received so far, in order.</summary>
    public List<OutputEvent> Events()
    {
        lock (_lock) return _frames.Where(f => f.IsEvent).Select(f => f.Event).ToList();
    }

    /// <summary>Every error received so far, in order.</summary>
    public List<ErrorMessage> Errors()
    {
        lock (_lock) return _frames.Where(f => f.IsError).Select(f => f.Error).ToList();
    }

    /// <summary>The Accepted/Rejected events received for a client order id or request id.</summary>
    public List<OutputEvent> ResponsesTo(long id)
    {
        lock (_lock) return _responses.TryGetValue(id, out var list) ? [.. list] : [];
    }

    /// <summary>Starts the receive loop (done by <see cref="ConnectAsync"/> unless told otherwise).</summary>
    public void StartReading() => _receiveTask ??= Task.Run(ReceiveLoopAsync);

    /// <summary>Takes the next frame sequence number, for a frame built by hand (not while another task sends).</summary>
    public uint TakeSequence() => ++_sequence;

    /// <summary>Encodes a catalog request with the next sequence number (send it before encoding another).</summary>
    public byte[] Encode<T>(in T message) where T : struct, IRequestMessage<T> => Support.Frames.Request(in message, TakeSequence());

    /// <summary>Sends a catalog request with the next sequence number; safe to call from several tasks at once.</summary>
    public Task SendAsync<T>(T message) where T : struct, IRequestMessage<T> => SendNumberedAsync(sequence => Support.Frames.Request(in message, sequence));

    /// <summary>Sends a login frame with the next sequence number.</summary>
    public Task SendLoginAsync(string key, int heartbeatMs = 0) => SendNumberedAsync(sequence => Support.Frames.Login(key, heartbeatMs, sequence));

    /// <summary>Sends a heartbeat frame with the next sequence number.</summary>
    public Task SendHeartbeatAsync() => SendNumberedAsync(Support.Frames.Heartbeat);

    /// <summary>Sends a logout frame with the next sequence number.</summary>
    public Task SendLogoutAsync() => SendNumberedAsync(Support.Frames.Logout);

    /// <summary>Sends bytes as they are (no numbering).</summary>
    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes)
    {
        await _sendLock.WaitAsync();
        try
        {
            await SendAllAsync(bytes);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends bytes; false when the connection is gone (the server closed it).</summary>
    public async Task<bool> TrySendBytesAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await SendBytesAsync(bytes);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Logs in and waits for LoginAccepted; fails the test on anything else.</summary>
    public async Task<LoginAcceptedMessage> LoginAsync(string key, int heartbeatMs = 0)
    {
        await SendLoginAsync(key, heartbeatMs);
        await WaitUntilAsync(() => Login != null || ErrorCount > 0 || RemoteClosed, $"the answer to the login with '{key}'");
        if (Login is not { } login) throw new AssertionException($"login with '{key}' refused: {string.Join("; ", Frames())}");
        return login;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test after the timeout (a hang).</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (true)
        {
            var signal = Volatile.Read(ref _changed);
            if (condition()) return;
            var left = deadline - Environment.TickCount64;
            if (left <= 0) throw new AssertionException($"timed out after {limit.TotalSeconds} s waiting for {what}; {Describe()}");
            await Task.WhenAny(signal.Task, Task.Delay((int)Math.Min(left, 200)));
        }
    }

    /// <summary>Waits for the one response (Accepted or Rejected) to a client order id or request id and returns it.</summary>
    public async Task<OutputEvent> WaitForResponseAsync(long id, TimeSpan? timeout = null)
    {
        await WaitUntilAsync(() => ResponsesTo(id).Count > 0 || RemoteClosed, $"the response to request {id}", timeout);
        var responses = ResponsesTo(id);
        if (responses.Count == 0) throw new AssertionException($"the connection closed without a response to request {id}; {Describe()}");
        return responses[0];
    }

    /// <summary>Waits for the response to a query and every row it announces; returns the rows.</summary>
    public async Task<List<OutputEvent>> WaitForQueryAsync(long id, TimeSpan? timeout = null)
    {
        var response = await WaitForResponseAsync(id, timeout);
        Assert.That(response.Type, Is.EqualTo(EventType.Accepted), $"query {id}: {ReceivedFrame.Describe(response)}");
        List<OutputEvent> Rows() => Events().Where(e => e.InputSequence == response.InputSequence && e.Type >= EventType.BookLevel).ToList();
        await WaitUntilAsync(() => Rows().Count >= response.Count, $"{response.Count} rows of query {id}", timeout);
        return Rows();
    }

    /// <summary>Waits for the <paramref name="index"/>-th error frame (0-based) and returns it.</summary>
    public async Task<ErrorMessage> WaitForErrorAsync(int index = 0, TimeSpan? timeout = null)
    {
        await WaitUntilAsync(() => ErrorCount > index, $"error #{index}", timeout);
        return Errors()[index];
    }

    /// <summary>Waits until the server has closed the connection.</summary>
    public Task WaitClosedAsync(TimeSpan? timeout = null) => WaitUntilAsync(() => RemoteClosed, "the server to close the connection", timeout);

    /// <summary>Closes the sending direction only; frames still arrive.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>A one-line summary of the connection, for failure messages.</summary>
    public string Describe()
    {
        lock (_lock)
        {
            var last = _frames.Skip(Math.Max(0, _frames.Count - 5)).Select(f => f.ToString());
            return $"session {_login?.SessionId ?? 0}: {_frames.Count} frames received, {_responseCount} responses, {_errorCount} errors, closed {_remoteClosed}, " +
                   $"violation {_violation ?? "none"}; last: {string.Join(" | ", last)}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (_receiveTask != null) await _receiveTask;
        _sendLock.Dispose();
    }

    /// <summary>Numbers and sends a frame under the send lock, so concurrent senders never swap numbers on the wire.</summary>
    private async Task SendNumberedAsync(Func<uint, byte[]> build)
    {
        await _sendLock.WaitAsync();
        try
        {
            await SendAllAsync(build(++_sequence));
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var n = await _socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[n..];
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var scratch = new byte[FrameHeader.MaxFrameLength];
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var n = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None);
                if (n == 0) break;
                end += n;
                var consumed = Parse(buffer, end, scratch);
                Buffer.BlockCopy(buffer, consumed, buffer, 0, end - consumed);
                end -= consumed;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // reset by the server, or disposed here
        }
        lock (_lock)
        {
            _remoteClosed = true;
            if (end > 0 && _violation == null) _violation = $"{end} bytes of an incomplete frame at the end of the stream";
        }
        Signal();
    }

    private int Parse(byte[] buffer, int end, byte[] scratch)
    {
        var sequence = new ReadOnlySequence<byte>(buffer, 0, end);
        lock (_lock)
        {
            while (_violation == null)
            {
                var status = FrameReader.TryRead(ref sequence, scratch, out var header, out var body);
                if (status == FrameStatus.Incomplete) break;
                if (status != FrameStatus.Complete)
                {
                    _violation = $"the server sent a frame the reader refuses: {status} (length {header.Length}, version {header.Version})";
                    break;
                }
                if (header.Sequence != _lastReceivedSequence + 1)
                    _violation = $"server frame sequence {header.Sequence} after {_lastReceivedSequence}";
                _lastReceivedSequence = header.Sequence;
                var frame = new ReceivedFrame(header, body.ToArray());
                _frames.Add(frame);
                Index(frame);
            }
        }
        Signal();
        return (int)sequence.Start.GetInteger();
    }

    private void Index(ReceivedFrame frame)
    {
        switch (frame.Type)
        {
            case MessageType.LoginAccepted:
                if (_login != null) _violation ??= "a second LoginAccepted";
                _login = frame.LoginAccepted;
                break;
            case MessageType.Error:
                _errorCount++;
                break;
            case MessageType.Event:
                var e = frame.Event;
                if (e.Type is EventType.Accepted or EventType.Rejected)
                {
                    _responseCount++;
                    if (!_responses.TryGetValue(e.ClientOrderId, out var list)) _responses[e.ClientOrderId] = list = [];
                    list.Add(e);
                }
                break;
            case MessageType.Heartbeat or MessageType.Logout:
                break;
            default:
                _violation ??= $"the server sent a frame of type {frame.Type}";
                break;
        }
    }

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
