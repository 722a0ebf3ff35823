using Engine.Gateway.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.Gateway.Client;

/// <summary>A connection to the engine's gateway: one logged-in session speaking the protocol of <c>gateway/Protocol</c>.</summary>
/// <remarks>
/// <para>Two ways to send. The hot path, <see cref="TrySend{T}"/> then <see cref="FlushAsync"/>, writes frames into a pipe
/// and allocates nothing per message; the engine's answers come back through <see cref="EventReceived"/>. A pipelining
/// client sends a batch of <c>TrySend</c> calls, then one <c>FlushAsync</c>. The convenience path,
/// <see cref="RequestAsync{T}"/> and the typed methods such as <see cref="PlaceOrderAsync"/>, returns a task completed with
/// the engine's response (and a query's rows); it allocates a little per request.</para>
/// <para>Threading: any method may be called from any thread; a lock keeps frames whole and numbered in order. Events are
/// raised on the receive loop, one at a time, in the server's order; handlers must be quick and must not block (an
/// awaitable request's task is completed asynchronously, so awaiting one inside a handler would not deadlock, but it would
/// stall every other event). A handler that throws ends the connection (<see cref="Disconnected"/> reports the exception).</para>
/// <para>Heartbeats: the client sends one when it has sent nothing for one interval, and closes the connection when the
/// server has been silent for three.</para>
/// <code>
/// await using var client = await EngineClient.ConnectAsync("127.0.0.1", 7400, "alice-key");
/// client.EventReceived += (in OutputEvent e) => { if (e.Type == EventType.Fill) Console.WriteLine(e.Price); };
/// var response = await client.PlaceOrderAsync(1, 1, Side.Buy, Units.ToRawQuantity(0.01m), Units.ToRawPrice(99_000m));
/// Console.WriteLine(response.Accepted ? $"order {response.Event.OrderId}" : $"rejected: {response.Code}");
/// </code>
/// </remarks>
public sealed partial class EngineClient : IAsyncDisposable
{
    // blocks of the send pipe: a frame is at most 256 bytes, so one block holds about 340 PlaceOrder frames
    private const int SendBlockSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly EngineClientOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<LoginAcceptedMessage> _login = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _sendLoop = Task.CompletedTask;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _heartbeatLoop = Task.CompletedTask;
    private int _shutDown;
    private int _disposed;

    private EngineClient(Socket socket, EngineClientOptions options)
    {
        _socket = socket;
        _options = options;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _sendPool = new BlockMemoryPool(SendBlockSize);
        _sendPipe = new Pipe(new PipeOptions(_sendPool, PipeScheduler.ThreadPool, PipeScheduler.ThreadPool,
            pauseWriterThreshold: options.SendBufferLimit, resumeWriterThreshold: options.SendBufferLimit / 2,
            minimumSegmentSize: SendBlockSize, useSynchronizationContext: false));
        _receiveReader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        _nextAutoRequestId = options.FirstAutoRequestId;
    }

    /// <summary>Raised for every <c>Event</c> frame: responses, fills, cancels, replaces, liquidation steps, query rows.</summary>
    /// <remarks>Raised on the receive loop before the awaitable request the event answers (if any) is completed. No allocation.</remarks>
    public event EngineEventHandler? EventReceived;

    /// <summary>Raised for every <c>Error</c> frame of the gateway (a request refused before the engine, or a closing error).</summary>
    /// <remarks>Raised on the receive loop. An error for an awaitable request also completes that request's task.</remarks>
    public event Action<ErrorMessage>? ErrorReceived;

    /// <summary>Raised once when the connection ends: null after a logout or <see cref="DisposeAsync"/>, else the cause.</summary>
    /// <remarks>Raised on whichever thread noticed the end. Pending awaitable requests have failed by then.</remarks>
    public event Action<Exception?>? Disconnected;

    /// <summary>The session id the server assigned (echoed in the <c>SessionId</c> of the events of this session's orders).</summary>
    public int SessionId { get; private set; }

    /// <summary>What the key allows.</summary>
    public SessionRoles Roles { get; private set; }

    /// <summary>The accounts the key grants.</summary>
    public IReadOnlyList<int> Accounts { get; private set; } = [];

    /// <summary>The heartbeat interval in force, in milliseconds.</summary>
    public int HeartbeatMs { get; private set; }

    /// <summary>True until the connection ends.</summary>
    public bool IsConnected => Volatile.Read(ref _shutDown) == 0;

    /// <summary>Completes when the connection has ended, whatever the cause.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Connects over TCP, logs in with <paramref name="key"/> and returns the open session.</summary>
    /// <param name="host">Server host name or address.</param>
    /// <param name="port">Server port (7400 in the default configuration).</param>
    /// <param name="key">Login key (1-32 printable ASCII characters).</param>
    /// <param name="options">Connection settings; null for the defaults.</param>
    /// <param name="ct">Cancels connecting and waiting for the login answer.</param>
    /// <exception cref="ArgumentException">The key is empty, too long or not printable ASCII.</exception>
    /// <exception cref="EngineClientException">The connection failed, or the server refused the login (<see cref="EngineClientException.Code"/>
    /// holds the server's code, e.g. <c>NotAuthorized</c>), or it did not answer within <see cref="EngineClientOptions.LoginTimeout"/>.</exception>
    public static async Task<EngineClient> ConnectAsync(string host, int port, string key, EngineClientOptions? options = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        var login = new LoginMessage(key, options?.HeartbeatMs ?? 0);
        if (!IsValidLogin(login)) throw new ArgumentException("the key must be 1 to 32 printable ASCII characters", nameof(key));
        options ??= new EngineClientOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SendBufferLimit);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new EngineClientException($"cannot connect to {host}:{port}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new EngineClient(socket, options);
        try
        {
            await client.LoginAsync(login, ct).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ends the session politely: sends <c>Logout</c> (after anything written before) and waits until the server has
    /// answered and closed the connection. Does nothing when already disconnected.</summary>
    /// <param name="ct">Stops waiting (the connection stays in whatever state it reached).</param>
    public async Task LogoutAsync(CancellationToken ct = default)
    {
        if (!TryWriteLogout()) return;
        await _closed.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Closes the connection: what was already flushed is handed to the socket (waiting at most one second), then the
    /// socket is closed without a logout. Pending awaitable requests fail with <see cref="EngineClientException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        CloseSending();
        try
        {
            await _sendLoop.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // the server does not read: close anyway
        }
        Shutdown(null);
        await Task.WhenAll(_sendLoop, _receiveLoop, _heartbeatLoop).ConfigureAwait(false);
        _stream.Dispose();
        _stop.Dispose();
        _sendPool.Dispose();
    }

    private static bool IsValidLogin(in LoginMessage login) => login.TryWrite(stackalloc byte[LoginMessage.Size]);

    private async Task LoginAsync(LoginMessage login, CancellationToken ct)
    {
        Volatile.Write(ref _lastReceiveTicks, Environment.TickCount64);
        Volatile.Write(ref _lastSendTicks, Environment.TickCount64);
        _receiveLoop = ReceiveLoopAsync();
        _sendLoop = SendLoopAsync();
        WriteLogin(in login);
        await FlushAsync(ct).ConfigureAwait(false);

        LoginAcceptedMessage accepted;
        try
        {
            accepted = await _login.Task.WaitAsync(_options.LoginTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new EngineClientException($"the server did not answer the login within {_options.LoginTimeout.TotalSeconds:0.#} s");
        }
        SessionId = accepted.SessionId;
        Roles = accepted.Roles;
        Accounts = accepted.Accounts;
        HeartbeatMs = accepted.HeartbeatMs;
        if (accepted.HeartbeatMs > 0) _heartbeatLoop = HeartbeatLoopAsync(accepted.HeartbeatMs);
    }

    /// <summary>Ends the connection once: stops sending, closes the socket, fails what waits, raises <see cref="Disconnected"/>.</summary>
    private void Shutdown(Exception? error)
    {
        if (Interlocked.Exchange(ref _shutDown, 1) != 0) return;
        CloseSending();
        _stop.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already reset by the peer
        }
        _socket.Dispose();

        var code = (error as EngineClientException)?.Code ?? default;
        var failure = error is null
            ? new EngineClientException("the connection was closed")
            : new EngineClientException($"the connection was lost: {error.Message}", code, error);
        _login.TrySetException(error as EngineClientException ?? failure);
        FailPending(failure);
        try
        {
            Disconnected?.Invoke(error);
        }
        catch (Exception)
        {
            // a failing handler has nowhere to be reported: the connection it would be reported on is gone
        }
        _closed.TrySetResult();
    }

    private static EngineClientException NotConnected() => new("not connected");

    private static bool IsResponse(in OutputEvent e) => e.Type is EventType.Accepted or EventType.Rejected;
}
