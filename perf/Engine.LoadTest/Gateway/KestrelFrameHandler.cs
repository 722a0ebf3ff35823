using Microsoft.AspNetCore.Connections;

namespace Engine.LoadTest.Gateway;

/// <summary>Transport (c): Kestrel's connection handler, answering through the connection's transport pipe with the same <see cref="FrameAnswerer"/>.</summary>
/// <remarks>
/// The usual Kestrel shape: read the transport's input pipe, answer into its output pipe, await the flush (Kestrel's socket
/// transport drains the output pipe on its own send loop and pauses the handler when 64 KiB wait unsent).
/// </remarks>
public sealed class KestrelFrameHandler : ConnectionHandler
{
    /// <inheritdoc/>
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var answerer = new FrameAnswerer();
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                var answered = answerer.Answer(ref buffer, output);
                input.AdvanceTo(buffer.Start, buffer.End);
                if (answered < 0) throw new InvalidOperationException("bad frame from the bench client");
                if (answered > 0)
                {
                    var flush = await output.FlushAsync();
                    if (flush.IsCompleted) return;
                }
                if (result.IsCompleted) return;
            }
        }
        catch (ConnectionResetException)
        {
            // the client went away
        }
    }
}
