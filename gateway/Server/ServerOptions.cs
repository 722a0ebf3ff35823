using System.Net;
using Engine.Logic;
using Engine.Pipeline;
using Engine.Ring;
using Journal;

namespace Engine.Gateway.Server;

/// <summary>How the gateway server runs: where it listens, its sessions' limits, the engine and its journal.</summary>
public sealed class ServerOptions
{
    /// <summary>Address to listen on (loopback by default).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;
    /// <summary>TCP port; 0 picks a free one (see <see cref="GatewayServer.Port"/>).</summary>
    public int Port { get; init; } = 7400;
    /// <summary>Login keys.</summary>
    public IReadOnlyList<AccessKey> Keys { get; init; } = [];
    /// <summary>Heartbeat interval when the client asks for none, in milliseconds.</summary>
    public int DefaultHeartbeatMs { get; init; } = 5000;
    /// <summary>A session whose unsent outbound bytes pass this is disconnected (slow consumer).</summary>
    public long OutboundLimitBytes { get; init; } = 8L << 20;
    /// <summary>Most sessions at once.</summary>
    public int MaxSessions { get; init; } = 4096;
    /// <summary>Journal directory; null runs without a journal (nothing survives a restart).</summary>
    public string? DataDirectory { get; init; }
    /// <summary>When results are released: after the OS has the journal bytes (flush), after fsync, or at once (none).</summary>
    public JournalDurability Durability { get; init; } = JournalDurability.Flush;
    /// <summary>Input ring size (power of two).</summary>
    public int InputRingSize { get; init; } = 1 << 16;
    /// <summary>Output ring size (power of two).</summary>
    public int OutputRingSize { get; init; } = 1 << 17;
    /// <summary>Wait strategy of the logic thread and of readers when the input ring is full.</summary>
    public Func<IWaitStrategy> InputWait { get; init; } = () => new BlockingWaitStrategy();
    /// <summary>Wait strategy of the publisher thread.</summary>
    public Func<IWaitStrategy> OutputWait { get; init; } = () => new BlockingWaitStrategy();
    /// <summary>Thread layout of the engine behind the server (journal then publish on one thread by default).</summary>
    public PipelineLayout Layout { get; init; } = PipelineLayout.JournalThenPublish;
    /// <summary>Business-logic capacities.</summary>
    public EngineConfig Engine { get; init; } = new();
    /// <summary>When set (Linux), the logic thread runs alone on this CPU (<see cref="PipelineOptions.LogicCpu"/>).</summary>
    public int? LogicCpu { get; init; }
    /// <summary>Where the server writes its log lines (recovery, sessions, faults); null: nowhere.</summary>
    public Action<string>? Log { get; init; }
}
