using System.Collections.Concurrent;
using Engine.Commands;
using Engine.Gateway.Server;
using Engine.Gateway.Server.Configuration;
using Engine.Logic;
using Engine.Tests.Support;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>
/// A <see cref="GatewayServer"/> on 127.0.0.1 with a free port, a temporary journal directory, and the embedded default
/// configuration's keys and market; stopped (and its directory deleted, when it owns it) on dispose.
/// </summary>
/// <remarks>
/// The server keeps its default blocking wait strategies (the CI machine has two cores). Rings are small: the tests
/// never need deep queues, and a small input ring makes readers feel the engine's back-pressure sooner.
/// </remarks>
public sealed class ServerFixture : IAsyncDisposable
{
    private readonly JournalDirectory? _ownedDirectory;
    private readonly ConcurrentQueue<string> _log;
    private readonly List<RawClient> _clients = [];

    private ServerFixture(ServerOptions options, List<Command> setup, JournalDirectory? ownedDirectory, ConcurrentQueue<string> log)
    {
        _ownedDirectory = ownedDirectory;
        _log = log;
        Setup = setup;
        Server = GatewayServer.Start(options, setup);
        Options = options;
    }

    /// <summary>The running server.</summary>
    public GatewayServer Server { get; }

    /// <summary>The options it runs with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The setup commands of the default configuration (applied when the journal was empty).</summary>
    public IReadOnlyList<Command> Setup { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => Server.Port;

    /// <summary>Its journal directory.</summary>
    public string DataDirectory => Options.DataDirectory!;

    /// <summary>The server's log lines so far.</summary>
    public IReadOnlyCollection<string> Log => _log;

    /// <summary>Starts a server with the default configuration.</summary>
    /// <param name="directory">The journal directory to use (not deleted on dispose); a new temporary one when null.</param>
    /// <param name="outboundLimitBytes">The slow-consumer limit (the configuration's when null).</param>
    /// <param name="engine">Engine capacities (the defaults when null).</param>
    /// <param name="defaultHeartbeatMs">The heartbeat interval before login and for clients that ask for none (the configuration's when null).</param>
    public static ServerFixture Start(JournalDirectory? directory = null, long? outboundLimitBytes = null, EngineConfig? engine = null,
        int? defaultHeartbeatMs = null)
    {
        var config = ServerConfiguration.LoadDefault();
        var defaults = config.ToOptions();
        var owned = directory == null ? new JournalDirectory() : null;
        var log = new ConcurrentQueue<string>();
        var options = new ServerOptions
        {
            Address = defaults.Address,
            Port = 0,
            Keys = defaults.Keys,
            DefaultHeartbeatMs = defaultHeartbeatMs ?? defaults.DefaultHeartbeatMs,
            OutboundLimitBytes = outboundLimitBytes ?? defaults.OutboundLimitBytes,
            DataDirectory = (directory ?? owned)!.Path,
            Durability = defaults.Durability,
            InputRingSize = 1 << 12,
            OutputRingSize = 1 << 14,
            Engine = engine ?? defaults.Engine,
            Log = log.Enqueue,
        };
        return new ServerFixture(options, config.SetupCommands(), owned, log);
    }

    /// <summary>Connects a client (disposed with the fixture).</summary>
    public async Task<RawClient> ConnectAsync(int receiveBufferSize = 0, bool startReading = true)
    {
        var client = await RawClient.ConnectAsync(Port, receiveBufferSize, startReading);
        lock (_clients) _clients.Add(client);
        return client;
    }

    /// <summary>Connects and logs in with a key; fails the test when the login is refused.</summary>
    public async Task<RawClient> LoginAsync(string key, int heartbeatMs = 0)
    {
        var client = await ConnectAsync();
        await client.LoginAsync(key, heartbeatMs);
        return client;
    }

    /// <summary>Stops the server (idempotent).</summary>
    public Task StopAsync() => Server.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        List<RawClient> clients;
        lock (_clients) clients = [.. _clients];
        foreach (var c in clients) await c.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}
