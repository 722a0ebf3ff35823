using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Engine.Book;
using Engine.Commands;
using Engine.Events;
using Engine.State;

namespace Engine.Logic;

/// <summary>
/// The business logic: applies input commands in sequence order to all state and emits output events.
/// </summary>
/// <remarks>
/// Single-threaded by design: one thread calls <see cref="Process"/> for every command, in sequence order,
/// and nothing else touches the state. It reads no clock (time is the command's <c>ReceiveTime</c>), uses no
/// randomness and no floating point, and allocates nothing in steady state, so the same command stream
/// always yields the same state hash and the same events.
/// Each command yields first exactly one response (<see cref="EventType.Accepted"/> or
/// <see cref="EventType.Rejected"/>), then its consequences (fills, cancels, query rows).
/// </remarks>
public sealed partial class ExchangeLogic : IMatchObserver
{
    private readonly EngineConfig _config;
    private IEventSink _sink;
    private readonly InstrumentTable _instruments;
    private readonly AccountTable _accounts;
    private readonly AssetTable _assets;
    private readonly OrderTable _orders;
    private readonly LevelTable _levels;
    private readonly PositionTable _positions;
    private readonly OutputEvent[] _events;
    private XxHash3 _eventHash = new();
    private int _eventCount;
    private long _eventsEmitted;
    private long _lastMatchId;
    private long _commandsProcessed;

    // the command being processed
    private long _sequence;
    private long _time;
    private CommandType _commandType;

    /// <summary>Creates the logic with empty state.</summary>
    public ExchangeLogic(EngineConfig config, IEventSink sink)
    {
        config.Validate();
        _config = config;
        _sink = sink;
        _instruments = new InstrumentTable(config.MaxInstruments);
        _accounts = new AccountTable(config.InitialAccounts, config.MaxAccounts, config.MaxAssets);
        _assets = new AssetTable(config.MaxAssets);
        _orders = new OrderTable(config.InitialOrders, config.MaxOrders);
        _levels = new LevelTable(config.InitialOrders);
        _positions = new PositionTable(config.InitialPositions);
        _events = new OutputEvent[config.EventBufferSize];
        InitRisk();
        _adlKeys = new Int128[Math.Max(64, config.InitialPositions)]; // a deleveraging shock ranks without allocating
    }

    /// <summary>Number of commands processed.</summary>
    public long CommandsProcessed => _commandsProcessed;

    /// <summary>Number of events emitted (flushed or not).</summary>
    public long EventsEmitted => _eventsEmitted;

    /// <summary>Running hash (XxHash3) of the bytes of every event handed to the sink, in order; re-seeded with its own
    /// value after every checkpoint (snapshot command).</summary>
    public ulong EventHash => _eventHash.GetCurrentHashAsUInt64();

    /// <summary>Number of open orders resting on all books.</summary>
    public int OpenOrderCount => _orders.LiveCount;

    internal OrderTable Orders => _orders;
    internal LevelTable Levels => _levels;
    internal InstrumentTable Instruments => _instruments;
    internal AccountTable Accounts => _accounts;
    internal AssetTable Assets => _assets;
    internal PositionTable Positions => _positions;
    internal EngineConfig Config => _config;

    /// <summary>Applies one command. Its events are buffered; call <see cref="FlushEvents"/> at the end of a batch.</summary>
    public void Process(ref Command cmd, long sequence)
    {
        _sequence = sequence;
        _time = cmd.ReceiveTime;
        _commandType = cmd.Type;
        _commandsProcessed++;
        switch (cmd.Type)
        {
            case CommandType.PlaceOrder: PlaceOrder(ref cmd); break;
            case CommandType.CancelOrder: CancelOrder(ref cmd); break;
            case CommandType.ReplaceOrder: ReplaceOrder(ref cmd); break;
            case CommandType.MassCancel: MassCancel(ref cmd); break;
            case CommandType.MarkPrice: MarkPrice(ref cmd); break;
            case CommandType.AssetPrice: AssetPrice(ref cmd); break;
            case CommandType.AddInstrument: AddInstrument(ref cmd); break;
            case CommandType.AddInstrumentTier: AddInstrumentTier(ref cmd); break;
            case CommandType.AddAsset: AddAsset(ref cmd); break;
            case CommandType.CreateAccount: CreateAccount(ref cmd); break;
            case CommandType.Deposit: Deposit(ref cmd); break;
            case CommandType.Withdraw: Withdraw(ref cmd); break;
            case CommandType.SetLeverage: SetLeverage(ref cmd); break;
            case CommandType.SetMarginMode: SetMarginMode(ref cmd); break;
            case CommandType.AdjustIsolatedMargin: AdjustIsolatedMargin(ref cmd); break;
            case CommandType.QueryAccount: QueryAccount(ref cmd); break;
            case CommandType.QueryBook: QueryBook(ref cmd); break;
            case CommandType.Snapshot: Checkpoint(ref cmd); break;
            default: Reject(ref cmd, RejectCode.UnknownCommand); break;
        }
    }

    /// <summary>Hands later events to <paramref name="sink"/> (after a recovery replay into a discarding sink).</summary>
    /// <remarks>Only between commands, with no event buffered, on the thread that processes commands.</remarks>
    public void ReplaceSink(IEventSink sink)
    {
        FlushEvents();
        _sink = sink;
    }

    /// <summary>
    /// A checkpoint: the response carries the state hash (in <c>OrderId</c>) and the event hash of every event
    /// before it (in <c>MatchId</c>), so a replay can prove it reached the very state the live engine had here.
    /// </summary>
    private void Checkpoint(ref Command cmd)
    {
        FlushEvents(); // the event hash must cover every earlier event, whatever the batch boundaries
        var state = StateHash();
        var events = EventHash;
        ref var e = ref Accept(ref cmd);
        e.OrderId = (long)state;
        e.MatchId = (long)events;
        FlushEvents();
        // the hash continues from here re-seeded with its value (response included), which a snapshot can carry
        ReseedEventHash(EventHash);
        if (_snapshots == null) return;
        var writer = new StateWriter();
        SaveState(writer);
        _snapshots.Write(_sequence, writer.Written);
    }

    /// <summary>Hands buffered events to the sink and folds them into the event hash.</summary>
    public void FlushEvents()
    {
        if (_eventCount == 0) return;
        var span = new ReadOnlySpan<OutputEvent>(_events, 0, _eventCount);
        _eventHash.Append(MemoryMarshal.AsBytes(span));
        _eventCount = 0;
        _sink.Publish(span);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref OutputEvent NewEvent(EventType type)
    {
        if (_eventCount == _events.Length) FlushEvents();
        ref var e = ref _events[_eventCount++];
        e = default;
        e.Type = type;
        e.CommandType = _commandType;
        e.InputSequence = _sequence;
        e.Time = _time;
        _eventsEmitted++;
        return ref e;
    }

    private ref OutputEvent Respond(ref Command cmd, EventType type)
    {
        ref var e = ref NewEvent(type);
        e.SessionId = cmd.SessionId;
        e.AccountId = cmd.AccountId;
        e.InstrumentId = cmd.InstrumentId;
        e.ClientOrderId = cmd.ClientOrderId;
        e.OrderId = cmd.OrderId;
        return ref e;
    }

    private void Reject(ref Command cmd, RejectCode code)
    {
        ref var e = ref Respond(ref cmd, EventType.Rejected);
        e.Code = (ushort)code;
    }

    private ref OutputEvent Accept(ref Command cmd) => ref Respond(ref cmd, EventType.Accepted);
}
