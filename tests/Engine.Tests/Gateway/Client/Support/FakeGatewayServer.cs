using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Client.Support;

/// <summary>A stand-in for the gateway (the real server is built elsewhere): speaks the wire catalog on 127.0.0.1, port 0.</summary>
/// <remarks>
/// Keys as in the embedded default configuration (alice-key: trader of 1, desk-key: trader of 1 and 2, feed-key, admin-key).
/// Each connection becomes a <see cref="FakeSession"/> handed out by <see cref="NextSessionAsync"/>; the test then scripts
/// the server's side: answer requests (in any order), send errors, a logout, heartbeats, or nothing at all.
/// </remarks>
internal sealed class FakeGatewayServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<FakeSession> _sessions = Channel.CreateUnbounded<FakeSession>();
    private readonly List<FakeSession> _all = [];
    private readonly Task _acceptLoop;
    private int _nextSessionId = 100;
    private long _inputSequence;

    /// <param name="heartbeatMs">The interval announced when the client asks for the default (0).</param>
    /// <param name="sendHeartbeats">Sessions send a heartbeat every interval (else the server is silent unless scripted).</param>
    /// <param name="autoReply">Answers every request at once with Accepted (OrderId = request id + 1) instead of queueing it.</param>
    public FakeGatewayServer(int heartbeatMs = 5000, bool sendHeartbeats = false, bool autoReply = false)
    {
        DefaultHeartbeatMs = heartbeatMs;
        SendHeartbeats = sendHeartbeats;
        AutoReply = autoReply;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int DefaultHeartbeatMs { get; }

    public bool SendHeartbeats { get; }

    public bool AutoReply { get; }

    public static IReadOnlyDictionary<string, (SessionRoles Roles, int[] Accounts)> Keys { get; } = new Dictionary<string, (SessionRoles, int[])>
    {
        ["admin-key"] = (SessionRoles.Admin | SessionRoles.PriceFeed, []),
        ["feed-key"] = (SessionRoles.PriceFeed, []),
        ["alice-key"] = (SessionRoles.Trader, [1]),
        ["desk-key"] = (SessionRoles.Trader, [1, 2]),
    };

    public long NextInputSequence() => Interlocked.Increment(ref _inputSequence);

    public int NextSessionId() => Interlocked.Increment(ref _nextSessionId);

    public async Task<FakeSession> NextSessionAsync() => await _sessions.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // stopped
        }
        FakeSession[] sessions;
        lock (_all) sessions = [.. _all];
        foreach (var session in sessions) await session.DisposeAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            var socket = await _listener.AcceptSocketAsync();
            socket.NoDelay = true;
            var session = new FakeSession(this, socket);
            lock (_all) _all.Add(session);
            _sessions.Writer.TryWrite(session);
        }
    }
}
