using System.Net;
using System.Net.Sockets;

namespace Engine.LoadTest.Gateway;

/// <summary>The raw baseline: a blocking socket that answers every <c>requestBytes</c> with <c>responseBytes</c>, nothing else.</summary>
/// <remarks>Same message sizes as the engine's round trip (a PlaceOrder frame in, Accepted + Canceled frames out).</remarks>
public sealed class PingPongServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Thread _thread;

    /// <summary>Starts listening on a free loopback port.</summary>
    public PingPongServer(int requestBytes, int responseBytes)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _thread = new Thread(() => Serve(requestBytes, responseBytes)) { IsBackground = true, Name = "ping-pong" };
        _thread.Start();
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    private void Serve(int requestBytes, int responseBytes)
    {
        try
        {
            using var socket = _listener.Accept();
            socket.NoDelay = true;
            var request = new byte[requestBytes];
            var response = new byte[responseBytes];
            while (true)
            {
                var got = 0;
                while (got < requestBytes)
                {
                    var n = socket.Receive(request, got, requestBytes - got, SocketFlags.None);
                    if (n == 0) return;
                    got += n;
                }
                socket.Send(response);
            }
        }
        catch (SocketException)
        {
            // the client went away
        }
        catch (ObjectDisposedException)
        {
            // stopped
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();
}
