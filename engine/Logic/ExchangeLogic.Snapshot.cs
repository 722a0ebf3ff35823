using System.IO.Hashing;
using Engine.Book;
using Engine.State;

namespace Engine.Logic;

/// <summary>Stores the state bytes the logic writes at a snapshot command (compressed, checksummed, on disk).</summary>
/// <remarks>Called on the business-logic thread; the span is valid only during the call.</remarks>
public interface ISnapshotSink
{
    /// <summary>Stores the state after <paramref name="sequence"/> (the snapshot command itself included).</summary>
    void Write(long sequence, ReadOnlySpan<byte> state);
}

// Snapshots: the whole state as raw tables, restorable into a fresh engine that then continues identically.
public sealed partial class ExchangeLogic
{
    /// <summary>Version of the state layout; bump when a table gains, loses or reorders a column.</summary>
    public const int StateFormatVersion = 1;

    private ISnapshotSink? _snapshots;
    private ulong _eventHashSeed;

    /// <summary>Where snapshot commands write the state; none by default (they then only checkpoint hashes).</summary>
    public ISnapshotSink? Snapshots
    {
        get => _snapshots;
        set => _snapshots = value;
    }

    /// <summary>Writes the whole state (every table, the book windows, the counters and the event-hash seed).</summary>
    /// <remarks>Only right after a checkpoint re-seeded the event hash (the snapshot command does both).</remarks>
    internal void SaveState(StateWriter w)
    {
        w.Long(StateFormatVersion);
        w.Long(_config.MaxInstruments);
        w.Long(_config.MaxAssets);
        w.Long(_lastMatchId);
        w.Long(_feesCollected);
        w.Long((long)(_netUsdDeposits >> 64));
        w.Long((long)_netUsdDeposits);
        w.Long(_eventsEmitted);
        w.Long(_commandsProcessed);
        w.Long((long)_eventHashSeed);
        _instruments.Save(w);
        for (var i = 0; i < _instruments.Capacity; i++)
            if (_instruments.Exists[i]) _instruments.Books[i]!.Save(w);
        _assets.Save(w);
        _accounts.Save(w);
        _positions.Save(w);
        _orders.Save(w);
        _levels.Save(w);
    }

    /// <summary>A fresh engine restored from <paramref name="state"/> (what <see cref="SaveState"/> wrote).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a state this build can read, or do not fit the configuration.</exception>
    public static ExchangeLogic LoadState(EngineConfig config, IEventSink sink, ReadOnlySpan<byte> state)
    {
        var r = new StateReader(state);
        var version = r.Long();
        if (version != StateFormatVersion) throw new InvalidDataException($"snapshot state version {version}; this build reads {StateFormatVersion}");
        if (r.Long() != config.MaxInstruments || r.Long() != config.MaxAssets)
            throw new InvalidDataException("snapshot was written with other MaxInstruments/MaxAssets settings");
        var logic = new ExchangeLogic(config, sink);
        logic._lastMatchId = r.Long();
        logic._feesCollected = r.Long();
        var high = r.Long();
        logic._netUsdDeposits = ((Int128)high << 64) | (ulong)r.Long();
        logic._eventsEmitted = r.Long();
        logic._commandsProcessed = r.Long();
        logic.ReseedEventHash((ulong)r.Long());
        logic._instruments.Load(ref r, (id, log2) => new OrderBook(id, log2, logic._orders, logic._levels));
        for (var i = 0; i < logic._instruments.Capacity; i++)
            if (logic._instruments.Exists[i]) logic._instruments.Books[i]!.Load(ref r);
        logic._assets.Load(ref r);
        logic._accounts.Load(ref r);
        logic._positions.Load(ref r);
        logic._orders.Load(ref r);
        logic._levels.Load(ref r);
        logic.EnsureTouchCapacity(logic._accounts.Capacity);
        if (r.Remaining != 0) throw new InvalidDataException($"snapshot state has {r.Remaining} unread bytes");
        return logic;
    }

    /// <summary>
    /// Restarts the running event hash as XxHash3 seeded with <paramref name="seed"/>: done at every checkpoint, so
    /// that an engine restored from a snapshot continues exactly the hash the live engine computes.
    /// </summary>
    private void ReseedEventHash(ulong seed)
    {
        _eventHashSeed = seed;
        _eventHash = new XxHash3((long)seed); // once per checkpoint
    }
}
