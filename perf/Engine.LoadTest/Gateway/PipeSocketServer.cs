using System.Net;
using System.Net.Sockets;

namespace Engine.LoadTest.Gateway;

/// <summary>Transport (b): a raw <see cref="Socket"/> accept loop, each connection served by a <see cref="PipeSocketSession"/> built like the gateway's.</summary>
public sealed class PipeSocketServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _sessions = [];
    private readonly Task _accepting;

    /// <summary>Starts listening on a free loopback port.</summary>
    public PipeSocketServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            socket.NoDelay = true; // as GatewayServer's accept loop
            var session = new PipeSocketSession(socket);
            lock (_sessions) _sessions.Add(Task.Run(session.RunAsync));
        }
    }

    /// <summary>Stops accepting and waits for the sessions (their clients have closed) to end.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _accepting.GetAwaiter().GetResult();
        Task[] sessions;
        lock (_sessions) sessions = [.. _sessions];
        Task.WaitAll(sessions, TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
