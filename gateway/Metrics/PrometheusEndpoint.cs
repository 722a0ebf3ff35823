using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Engine.Gateway.Metrics;

/// <summary>Serves <c>GET /metrics</c> in the Prometheus text format 0.0.4 (default 127.0.0.1:7401).</summary>
/// <remarks>
/// <para>
/// A small HTTP/1.1 responder on a <see cref="TcpListener"/>: one connection at a time, one request per
/// connection (<c>Connection: close</c>), a 5 s limit to receive the request, 8 KiB of request head at most.
/// <c>GET</c> or <c>HEAD</c> of <c>/metrics</c> (a query string is ignored) answers 200 with the exposition; any other
/// path 404; any other method 405; an unreadable request 400. Scrapes allocate (the text and the collected
/// measurements); nothing here runs on an engine thread.
/// </para>
/// <para>
/// Why not prometheus-net (8.2.1 was tried): the package restores here only with its dependency floors lifted
/// (NU1603: Microsoft.Extensions.Http 3.1.0 and Microsoft.Extensions.ObjectPool 7.0.0 are not on the feed, 3.1.3
/// and 8.0.11 resolve instead, an error under warnings-as-errors unless those transitive packages are pinned by
/// hand), and it pulls the Microsoft.Extensions 3.1 DI/logging/configuration stack into the gateway. More to the
/// point, it cannot export these figures cleanly: its MeterAdapter turns a System.Diagnostics.Metrics histogram
/// into bucketed Prometheus histograms and observable gauges into separate gauges, so the HdrHistogram
/// percentiles could not appear as one summary with quantile labels, and its static default registry adds
/// process and runtime families. Rendering the 0.0.4 text (<see cref="PrometheusExposition"/>) and answering a
/// scraper's GET (this class) take under 200 lines each, with no package, no ASP.NET and nothing downloaded at
/// run time. HttpListener was not used because it cannot bind port 0 and parses far more HTTP than a scraper needs.
/// </para>
/// </remarks>
public sealed class PrometheusEndpoint : IDisposable
{
    /// <summary>The path served.</summary>
    public const string Path = "/metrics";

    private const int MaxRequestBytes = 8 * 1024;
    private static readonly TimeSpan _requestTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpListener _listener;
    private readonly PrometheusExposition _exposition;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _request = new byte[MaxRequestBytes];
    private readonly Task _acceptLoop;
    private int _disposed;

    private PrometheusEndpoint(EngineMetrics metrics, TcpListener listener)
    {
        _listener = listener;
        _exposition = new PrometheusExposition(metrics);
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(_stop.Token));
    }

    /// <summary>Starts listening and serving.</summary>
    /// <param name="metrics">The metrics to expose.</param>
    /// <param name="host">An IP address or a host name (<c>localhost</c> is the IPv4 loopback).</param>
    /// <param name="port">The TCP port; 0 picks a free one (read it back from <see cref="Port"/>).</param>
    /// <returns>The running endpoint; dispose it to stop.</returns>
    /// <exception cref="SocketException">The address cannot be bound (port in use, for example).</exception>
    public static PrometheusEndpoint Start(EngineMetrics metrics, string host, int port)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(host);
        var listener = new TcpListener(Resolve(host), port);
        listener.Start();
        try
        {
            return new PrometheusEndpoint(metrics, listener);
        }
        catch
        {
            listener.Stop();
            throw;
        }
    }

    /// <summary>The TCP port listened on.</summary>
    public int Port { get; }

    /// <summary>Stops listening, ends the request in progress and waits for the accept loop to finish.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        _listener.Stop();
        _acceptLoop.Wait(_stopTimeout); // the loop catches everything: it only ever completes normally
        _exposition.Dispose();
        _stop.Dispose();
    }

    private static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var address)) return address;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        var addresses = Dns.GetHostAddresses(host);
        foreach (var candidate in addresses)
        {
            if (candidate.AddressFamily == AddressFamily.InterNetwork) return candidate;
        }
        return addresses.Length > 0 ? addresses[0] : throw new ArgumentException($"cannot resolve '{host}'", nameof(host));
    }

    private async Task AcceptLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                if (stop.IsCancellationRequested) return;
                continue; // a connection reset before it was accepted
            }
            using (socket)
            {
                try
                {
                    await ServeAsync(socket, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
                {
                    // the client went away, was too slow, or the endpoint is stopping: drop the connection
                }
            }
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(_requestTimeout);
        var length = 0;
        int headEnd;
        while ((headEnd = HeadEnd(_request.AsSpan(0, length))) < 0)
        {
            if (length == _request.Length)
            {
                await RespondAsync(socket, "431 Request Header Fields Too Large", "request head too large\n", true, timeout.Token).ConfigureAwait(false);
                return;
            }
            var read = await socket.ReceiveAsync(_request.AsMemory(length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            if (read == 0) return; // closed before a whole request head arrived
            length += read;
        }

        var requestLine = Encoding.ASCII.GetString(_request, 0, _request.AsSpan(0, headEnd).IndexOf((byte)'\r'));
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            await RespondAsync(socket, "400 Bad Request", "bad request\n", true, timeout.Token).ConfigureAwait(false);
            return;
        }
        var method = parts[0];
        var target = parts[1];
        var query = target.IndexOf('?');
        var path = query >= 0 ? target[..query] : target;
        var isHead = method == "HEAD";
        if (method != "GET" && !isHead)
        {
            await RespondAsync(socket, "405 Method Not Allowed", "only GET and HEAD\n", true, timeout.Token, "Allow: GET, HEAD\r\n").ConfigureAwait(false);
            return;
        }
        if (path != Path)
        {
            await RespondAsync(socket, "404 Not Found", "not found; metrics are at " + Path + "\n", !isHead, timeout.Token).ConfigureAwait(false);
            return;
        }
        string body;
        try
        {
            body = _exposition.Render();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RespondAsync(socket, "500 Internal Server Error", e.GetType().Name + "\n", !isHead, timeout.Token).ConfigureAwait(false);
            return;
        }
        await RespondAsync(socket, "200 OK", body, !isHead, timeout.Token, contentType: PrometheusExposition.ContentType).ConfigureAwait(false);
    }

    // index just past the blank line that ends the request head, or -1
    private static int HeadEnd(ReadOnlySpan<byte> received)
    {
        var end = received.IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end + 4;
    }

    private static async Task RespondAsync(Socket socket, string status, string body, bool withBody, CancellationToken token,
        string extraHeaders = "", string contentType = "text/plain; charset=utf-8")
    {
        var content = Encoding.UTF8.GetBytes(body);
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\n{extraHeaders}Connection: close\r\n\r\n");
        await SendAllAsync(socket, head, token).ConfigureAwait(false);
        if (withBody) await SendAllAsync(socket, content, token).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken token)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, token).ConfigureAwait(false);
            data = data[sent..];
        }
    }
}
