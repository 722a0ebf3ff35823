using Engine.Gateway.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Engine.LoadTest.Gateway;

/// <summary>One connection of <see cref="PipeSocketServer"/>, with the gateway session's buffers, pipes and loops.</summary>
/// <remarks>
/// <code>
///  socket ──► StreamPipeReader (NetworkStream, 64 KiB blocks) ──► read loop: FrameAnswerer ──► outbound Pipe (32 KiB blocks)
///  socket ◄── send loop (Socket.SendAsync) ◄──────────────────── inline reader scheduler ◄────┘
/// </code>
/// The same options as <c>GatewaySession</c>: per-session block pools, an outbound pipe that never pauses its writer and
/// whose flush runs the send loop inline on the flushing thread. What the gateway adds on top (the write lock, the input
/// ring, the publisher thread, heartbeats) is left out: only the transport is compared.
/// </remarks>
public sealed class PipeSocketSession
{
    private const int InputBlockSize = 64 * 1024;
    private const int OutputBlockSize = 32 * 1024;

    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly Pipe _output;
    private readonly FrameAnswerer _answerer = new();

    /// <summary>Wraps an accepted socket.</summary>
    public PipeSocketSession(Socket socket)
    {
        _socket = socket;
        _input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false),
            new StreamPipeReaderOptions(pool: new BlockMemoryPool(InputBlockSize), bufferSize: InputBlockSize, minimumReadSize: 4096));
        _output = new Pipe(new PipeOptions(new BlockMemoryPool(OutputBlockSize), readerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0,
            resumeWriterThreshold: 0, minimumSegmentSize: OutputBlockSize, useSynchronizationContext: false));
    }

    /// <summary>Serves the connection until the client closes it.</summary>
    public async Task RunAsync()
    {
        var sending = SendLoopAsync();
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // the client went away
        }
        finally
        {
            await _output.Writer.CompleteAsync();
            await sending;
            await _input.CompleteAsync();
            _socket.Dispose();
        }
    }

    private async Task ReadLoopAsync()
    {
        while (true)
        {
            var result = await _input.ReadAsync();
            var buffer = result.Buffer;
            var answered = _answerer.Answer(ref buffer, _output.Writer);
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (answered < 0) throw new InvalidOperationException("bad frame from the bench client");
            // never pauses (pauseWriterThreshold 0), so this completes synchronously: the send loop runs inline here
            if (answered > 0) _ = _output.Writer.FlushAsync();
            if (result.IsCompleted) return;
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _output.Reader.ReadAsync();
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
                _output.Reader.AdvanceTo(buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // the client went away
        }
        finally
        {
            await _output.Reader.CompleteAsync();
        }
    }
}
