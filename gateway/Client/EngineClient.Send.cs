using Engine.Gateway.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Engine.Gateway.Protocol;

namespace Engine.Gateway.Client;

// Send path: frames are written under one lock into a pipe (numbered as they are written); a send loop drains the pipe
// into the socket, so the caller's thread never blocks on the network and a batch of frames leaves in few syscalls.
public sealed partial class EngineClient
{
    private readonly Lock _sendLock = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly BlockMemoryPool _sendPool;
    private readonly Pipe _sendPipe;
    private uint _sequence; // the last frame sequence written; guarded by _sendLock
    private bool _sendClosed; // guarded by _sendLock
    private long _lastSendTicks;

    /// <summary>Writes one request frame into the send buffer, numbered after the previous one; call <see cref="FlushAsync"/> to send.</summary>
    /// <remarks>
    /// Does not allocate (after the buffer has grown to its working size) and never waits for the network. The engine's
    /// answer arrives through <see cref="EventReceived"/>: match it by the message's client order id / request id (body
    /// offset 8), which is sent as given, 0 included.
    /// <code>
    /// for (var i = 0; i &lt; orders.Length; i++)
    ///     if (!client.TrySend(in orders[i])) break;   // disconnected
    /// await client.FlushAsync();
    /// </code>
    /// </remarks>
    /// <returns>False when the connection is closed (nothing was written).</returns>
    public bool TrySend<T>(in T message) where T : struct, IRequestMessage<T>
    {
        var size = FrameHeader.Size + T.BodySize;
        lock (_sendLock)
        {
            if (_sendClosed) return false;
            var writer = _sendPipe.Writer;
            if (!FrameWriter.TryWriteRequest(writer.GetSpan(size), in message, _sequence + 1, out var written)) return false;
            writer.Advance(written);
            _sequence++;
            return true;
        }
    }

    /// <summary>Hands what was written to the send loop; waits only when more than <see cref="EngineClientOptions.SendBufferLimit"/>
    /// bytes are still unsent (back-pressure). Does not allocate when it does not wait.</summary>
    /// <param name="ct">Stops waiting for buffer space.</param>
    /// <exception cref="EngineClientException">The connection is closed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync(CancellationToken ct = default)
    {
        // one flush at a time: the pipe supports a single waiting flush
        await _flushGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ValueTask<FlushResult> flush;
            lock (_sendLock)
            {
                if (_sendClosed) throw NotConnected();
                flush = _sendPipe.Writer.FlushAsync(ct);
            }
            FlushResult result;
            try
            {
                result = await flush.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new EngineClientException("the connection was lost while sending", ex);
            }
            if (result.IsCompleted) throw NotConnected();
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Writes one request frame and flushes: <see cref="TrySend{T}"/> then <see cref="FlushAsync"/>.</summary>
    /// <exception cref="EngineClientException">The connection is closed.</exception>
    public ValueTask SendAsync<T>(in T message) where T : struct, IRequestMessage<T> =>
        TrySend(in message) ? FlushAsync() : ValueTask.FromException(NotConnected());

    private void WriteLogin(in LoginMessage login)
    {
        lock (_sendLock)
        {
            if (_sendClosed) throw NotConnected();
            var writer = _sendPipe.Writer;
            FrameWriter.TryWriteLogin(writer.GetSpan(FrameHeader.Size + LoginMessage.Size), in login, _sequence + 1, out var written);
            writer.Advance(written);
            _sequence++;
        }
    }

    private bool TryWriteHeartbeat()
    {
        var timestamp = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        lock (_sendLock)
        {
            if (_sendClosed) return false;
            var writer = _sendPipe.Writer;
            FrameWriter.TryWriteHeartbeat(writer.GetSpan(FrameHeader.Size + HeartbeatMessage.Size), timestamp, _sequence + 1, out var written);
            writer.Advance(written);
            _sequence++;
        }
        Volatile.Write(ref _lastSendTicks, Environment.TickCount64);
        return true;
    }

    /// <summary>Writes Logout as the last frame: sending closes behind it and the send loop drains the pipe.</summary>
    private bool TryWriteLogout()
    {
        lock (_sendLock)
        {
            if (_sendClosed) return false;
            var writer = _sendPipe.Writer;
            FrameWriter.TryWriteLogout(writer.GetSpan(FrameHeader.Size), _sequence + 1, out var written);
            writer.Advance(written);
            _sequence++;
            _loggingOut = true;
        }
        CloseSending();
        return true;
    }

    /// <summary>No more frames: completing the writer commits what was written, and the send loop ends once it is sent.</summary>
    private void CloseSending()
    {
        lock (_sendLock)
        {
            if (_sendClosed) return;
            _sendClosed = true;
            _sendPipe.Writer.Complete();
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _sendPipe.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                    await _stream.WriteAsync(segment).ConfigureAwait(false);
                if (!buffer.IsEmpty) Volatile.Write(ref _lastSendTicks, Environment.TickCount64);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception ex)
        {
            Shutdown(IsConnected ? new EngineClientException($"send failed: {ex.Message}", ex) : null);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task HeartbeatLoopAsync(int intervalMs)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(10, intervalMs / 4)));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                if (now - Volatile.Read(ref _lastReceiveTicks) >= 3L * intervalMs)
                {
                    Shutdown(new EngineClientException($"the server sent nothing for {3 * intervalMs} ms (3 heartbeat intervals)"));
                    return;
                }
                if (now - Volatile.Read(ref _lastSendTicks) >= intervalMs && TryWriteHeartbeat())
                    await FlushAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // shut down
        }
        catch (EngineClientException)
        {
            // the connection ended under the flush; the receive or send loop reports why
        }
    }
}
