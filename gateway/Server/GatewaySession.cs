using System.IO.Pipelines;
using Engine.Gateway.Buffers;
using System.Net.Sockets;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.Gateway.Server;

/// <summary>One client connection: its rights, its read loop into the input ring, and its outbound pipe.</summary>
/// <remarks>
/// <code>
///  socket ──► PipeReader ──► read loop: frames → checks → Command batch ──► input ring (claim n, copy, publish range)
///  socket ◄── send loop ◄── outbound Pipe ◄── publisher thread (events), read loop (errors, login), heartbeat timer
/// </code>
/// Three threads write the outbound pipe, so every write holds <c>_writeLock</c>; the pipe never pauses its writer
/// (no back-pressure into the publisher): instead a session whose unsent bytes pass the limit is cut off.
/// </remarks>
internal sealed partial class GatewaySession
{
    private const int Open = 0;
    private const int Closing = 1;
    private const int Closed = 2;
    private const int BatchCapacity = 256;
    private const int ClosingGraceMs = 5000;
    private const int InputBlockSize = 64 * 1024;
    private const int OutputBlockSize = 32 * 1024;

    private readonly GatewayServer _server;
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly Pipe _output;
    private readonly Lock _writeLock = new();
    private readonly Command[] _batch = new Command[BatchCapacity];
    private readonly byte[] _scratch = new byte[FrameHeader.MaxFrameLength];
    private int _state;
    private uint _inSequence;
    private uint _outSequence;
    private long _written;
    private long _sent;
    private long _lastReceivedMs;
    private long _lastSentMs;
    private long _closingSinceMs;
    private long _lastPublished = -1;
    private ErrorMessage _closingError;

    public GatewaySession(GatewayServer server, Socket socket)
    {
        _server = server;
        _socket = socket;
        // per-session block pools: the shared array pool keeps few arrays per size and core and drops the rest, so a
        // pipelining client (megabytes in flight) made every block a fresh allocation (measured: ~150 B per order)
        _input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false),
            new StreamPipeReaderOptions(pool: new BlockMemoryPool(InputBlockSize), bufferSize: InputBlockSize, minimumReadSize: 4096));
        // pauseWriterThreshold 0: the publisher is never blocked by a slow client; the byte limit guards memory instead
        // large segments also keep the pipe within its own segment pool when megabytes wait to be sent
        _output = new Pipe(new PipeOptions(new BlockMemoryPool(OutputBlockSize), readerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0,
            resumeWriterThreshold: 0, minimumSegmentSize: OutputBlockSize, useSynchronizationContext: false));
        _lastReceivedMs = _lastSentMs = Environment.TickCount64;
        HeartbeatMs = server.Options.DefaultHeartbeatMs;
    }

    /// <summary>Session id, stamped on its commands; unique within a server run.</summary>
    public int Id { get; set; }

    /// <summary>True once the login succeeded.</summary>
    public bool LoggedIn { get; private set; }

    /// <summary>The rights of the key it logged in with.</summary>
    public SessionRoles Roles { get; private set; }

    /// <summary>The accounts it may trade (empty before login).</summary>
    public int[] Accounts { get; private set; } = [];

    /// <summary>Heartbeat interval in force, ms.</summary>
    public int HeartbeatMs { get; private set; }

    /// <summary>Publisher thread only: written since its last flush.</summary>
    public bool Dirty { get; set; }

    /// <summary>True until the session starts closing.</summary>
    public bool IsOpen => Volatile.Read(ref _state) == Open;

    /// <summary>Outbound bytes written but not yet sent.</summary>
    public long Unsent => Volatile.Read(ref _written) - Volatile.Read(ref _sent);

    /// <summary>Runs the session until the connection ends.</summary>
    public async Task RunAsync()
    {
        var sending = SendLoopAsync();
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the peer went away or the session was closed
        }
        finally
        {
            // a stopping server sends the results of what it received, then Unavailable, and closes the session itself
            while (_server.Stopping && IsOpen) await Task.Delay(1);
            CloseAfterFlush();
            await sending;
            _input.Complete();
            if (Volatile.Read(ref _state) == Closed) _socket.Dispose(); // aborted: nothing worth delivering
            else _ = LingerAsync();
            _server.OnSessionEnded(this);
        }
    }

    /// <summary>Closes gracefully: drops what the peer still sends until it closes, then releases the socket.</summary>
    /// <remarks>
    /// Closing a socket with unread input resets the connection, and a reset makes the peer's system discard what it had
    /// received but not yet read: the last results and the closing error. The peer has our end of stream already (the
    /// send loop shut down sending); it is given the closing grace to close its side. Runs detached from the session.
    /// </remarks>
    private async Task LingerAsync()
    {
        var buffer = new byte[1024];
        using var grace = new CancellationTokenSource(ClosingGraceMs);
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, grace.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the grace ran out, or the peer reset
        }
        finally
        {
            _socket.Dispose();
        }
    }

    /// <summary>Stops reading (server shutdown): the read loop ends after the frames it already has.</summary>
    public void StopReading() => _input.CancelPendingRead();

    /// <summary>Heartbeat timer: sends a heartbeat when idle; closes a connection that has been silent too long.</summary>
    public void OnTimer(long nowMs)
    {
        var state = Volatile.Read(ref _state);
        if (state == Closing && nowMs - Volatile.Read(ref _closingSinceMs) >= ClosingGraceMs)
        {
            Abort(); // the peer does not take what is left to send
            return;
        }
        if (state != Open) return;
        if (nowMs - Volatile.Read(ref _lastReceivedMs) >= 3L * HeartbeatMs)
        {
            _server.Log($"session {Id}: nothing received for {3 * HeartbeatMs} ms, closing");
            Abort();
            return;
        }
        if (LoggedIn && nowMs - Volatile.Read(ref _lastSentMs) >= HeartbeatMs)
        {
            lock (_writeLock)
            {
                if (_state != Open) return;
                var span = _output.Writer.GetSpan(FrameHeader.Size + HeartbeatMessage.Size);
                FrameWriter.TryWriteHeartbeat(span, GatewayClock.NowNanoseconds(), ++_outSequence, out var written);
                CommitLocked(written);
                FlushLocked();
            }
        }
    }

    /// <summary>Publisher thread: appends one event frame (flushed at the end of the publisher's batch).</summary>
    /// <returns>False when the session is closed or was just cut off as a slow consumer.</returns>
    public bool WriteEvent(in OutputEvent e)
    {
        if (Volatile.Read(ref _state) != Open) return false;
        if (Unsent > _server.Options.OutboundLimitBytes)
        {
            _server.Log($"session {Id}: {Unsent} outbound bytes unsent (limit {_server.Options.OutboundLimitBytes}), disconnecting a slow consumer");
            _server.Metrics?.SessionDisconnectedSlow();
            Abort();
            return false;
        }
        lock (_writeLock)
        {
            if (_state != Open) return false;
            var span = _output.Writer.GetSpan(FrameHeader.Size + EventMessage.Size);
            FrameWriter.TryWriteEvent(span, in e, ++_outSequence, out var written);
            CommitLocked(written);
        }
        return true;
    }

    /// <summary>Publisher thread: hands what was written to the send loop.</summary>
    public void Flush()
    {
        lock (_writeLock)
        {
            if (_state == Open) FlushLocked();
        }
    }

    /// <summary>Sends an error frame; a closing error also closes the session once what is queued has been sent.</summary>
    public void SendError(RejectCode code, MessageType refType, uint refSequence, long requestId, bool closing)
    {
        lock (_writeLock)
        {
            if (_state != Open) return;
            var span = _output.Writer.GetSpan(FrameHeader.Size + ErrorMessage.Size);
            FrameWriter.TryWriteError(span, new ErrorMessage(code, refType, closing, refSequence, requestId), ++_outSequence, out var written);
            CommitLocked(written);
            FlushLocked();
        }
        _server.Metrics?.GatewayError(code);
        if (closing) CloseAfterFlush();
    }

    /// <summary>Stops accepting outbound frames and closes the connection after the send loop has sent what is queued.</summary>
    public void CloseAfterFlush()
    {
        lock (_writeLock)
        {
            if (_state != Open) return;
            _state = Closing;
            Volatile.Write(ref _closingSinceMs, Environment.TickCount64);
            _output.Writer.Complete();
        }
        _input.CancelPendingRead();
        _server.OnSessionClosing(this);
    }

    /// <summary>Closes the connection at once, dropping what is queued (slow consumer, dead peer).</summary>
    public void Abort()
    {
        lock (_writeLock)
        {
            if (_state == Closed) return;
            if (_state == Open) _output.Writer.Complete();
            _state = Closed;
        }
        _input.CancelPendingRead();
        _output.Reader.CancelPendingRead();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // already gone
        }
        _server.OnSessionClosing(this);
    }

    private void CommitLocked(int written)
    {
        _output.Writer.Advance(written);
        Interlocked.Add(ref _written, written);
    }

    private void FlushLocked()
    {
        // never pauses (pauseWriterThreshold 0), so this completes synchronously
        _ = _output.Writer.FlushAsync();
        Volatile.Write(ref _lastSentMs, Environment.TickCount64);
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _output.Reader.ReadAsync();
                if (result.IsCanceled || Volatile.Read(ref _state) == Closed) break;
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    var remaining = segment;
                    while (!remaining.IsEmpty)
                    {
                        var n = await _socket.SendAsync(remaining, SocketFlags.None);
                        remaining = remaining[n..];
                    }
                }
                Interlocked.Add(ref _sent, buffer.Length);
                _server.Metrics?.BytesSent(buffer.Length);
                _output.Reader.AdvanceTo(buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // the peer went away
        }
        finally
        {
            await _output.Reader.CompleteAsync();
            try
            {
                _socket.Shutdown(SocketShutdown.Send); // end of stream after what was sent; the input is drained on close
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // already closed
            }
        }
    }
}
