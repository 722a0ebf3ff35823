using System.Runtime.InteropServices;
using Engine.Events;
using Engine.Logic;
using Journal;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>
/// An offline replay of a (crashed) server's journal from its first command, read-only: the state and event hashes it ends
/// at, where it ends, and the events it produces for chosen input sequences, to check events a client received against.
/// </summary>
public sealed class JournalAudit : IEventSink
{
    private readonly HashSet<long> _wanted;
    private readonly Dictionary<long, List<OutputEvent>> _events = [];

    private JournalAudit(HashSet<long> wanted) => _wanted = wanted;

    /// <summary>The sequence after the last command in the journal (0 when it is empty).</summary>
    public long NextSequence { get; private set; }

    /// <summary>The state hash after the last journaled command.</summary>
    public ulong StateHash { get; private set; }

    /// <summary>The running event hash after the last journaled command.</summary>
    public ulong EventHash { get; private set; }

    /// <summary>The replay's figures (torn tail included).</summary>
    public ReplayStats Stats { get; private set; } = null!;

    /// <summary>Replays <paramref name="directory"/> from sequence 0 into a fresh engine (no snapshot), without repairing anything.</summary>
    /// <param name="directory">The journal directory.</param>
    /// <param name="wanted">The input sequences whose events are kept for <see cref="Contains"/>.</param>
    public static JournalAudit Replay(string directory, IEnumerable<long> wanted)
    {
        var audit = new JournalAudit([.. wanted]);
        var logic = new ExchangeLogic(new EngineConfig(), audit);
        var stats = JournalReplayer.Replay(directory, logic);
        logic.FlushEvents();
        audit.Stats = stats;
        audit.NextSequence = stats.Commands == 0 ? 0 : stats.NextSequence;
        audit.StateHash = logic.StateHash();
        audit.EventHash = logic.EventHash;
        return audit;
    }

    /// <summary>What the server's own recovery (newest snapshot, then the journal after it; a torn tail cut) makes of a copy
    /// of <paramref name="directory"/>: the sequence it continues at and the state and event hashes it starts from.</summary>
    public static (long NextSequence, ulong StateHash, ulong EventHash) RecoverCopy(string directory)
    {
        var copy = Path.Combine(Path.GetTempPath(), "tcp-crash-copies", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        try
        {
            foreach (var file in Directory.GetFiles(directory))
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            var recovered = EngineRecovery.Recover(copy, new EngineConfig());
            return (recovered.NextSequence, recovered.Logic.StateHash(), recovered.Logic.EventHash);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>True when the replay produced exactly this event (all 96 bytes) for the event's input sequence.</summary>
    public bool Contains(in OutputEvent e)
    {
        if (!_events.TryGetValue(e.InputSequence, out var list)) return false;
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<OutputEvent>(in e));
        foreach (var candidate in CollectionsMarshal.AsSpan(list))
            if (MemoryMarshal.AsBytes(new ReadOnlySpan<OutputEvent>(in candidate)).SequenceEqual(bytes)) return true;
        return false;
    }

    /// <inheritdoc/>
    public void Publish(ReadOnlySpan<OutputEvent> events)
    {
        foreach (var e in events)
        {
            if (!_wanted.Contains(e.InputSequence)) continue;
            if (!_events.TryGetValue(e.InputSequence, out var list)) _events[e.InputSequence] = list = [];
            list.Add(e);
        }
    }
}
