using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Engine.Commands;
using Engine.Gateway.Metrics;
using Engine.Logic;
using Engine.Pipeline;
using Engine.Ring;
using Journal;

namespace Engine.Gateway.Server;

/// <summary>The engine as a TCP server: sessions over raw sockets and System.IO.Pipelines, feeding the journaled pipeline.</summary>
/// <remarks>
/// <code>
///  accept loop ─► GatewaySession (one per connection) ─ read loop: frames → rights → batch ─┐
///                                                                                          ▼
///                        input ring ─┬─► logic thread ─► output ring ─► publisher thread (SessionPublisher)
///                                    └─► journal thread ── durable ──┘   releases results once journaled,
///                                                                        writes each session's outbound pipe
///  timer (50 ms): heartbeats, silent connections
/// </code>
/// Start recovers the engine from <see cref="ServerOptions.DataDirectory"/> (snapshot plus journal) before listening;
/// on an empty journal it first submits the setup commands (instruments, assets, accounts, deposits), journaled like
/// any other command. Stop finishes and journals everything already received, sends the results, then closes.
/// </remarks>
public sealed class GatewayServer : IAsyncDisposable, IEngineGauges
{
    private const int TimerPeriodMs = 50;

    private readonly EnginePipeline<SessionPublisher> _pipeline;
    private readonly JournalWriter? _journal;
    private readonly SessionPublisher _publisher;
    private readonly SessionRegistry _sessions;
    private readonly Dictionary<string, AccessKey> _keys;
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<GatewaySession, Task> _running = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptTask;
    private readonly Task _timerTask;
    private readonly long _eventsAtStart;
    private int _busyReaders;
    private int _stopped;

    private GatewayServer(ServerOptions options, IEnumerable<Command>? setup)
    {
        Options = options;
        _keys = options.Keys.ToDictionary(k => k.Key, StringComparer.Ordinal);
        _sessions = new SessionRegistry(options.MaxSessions);
        _publisher = new SessionPublisher(_sessions, this);
        var pipelineOptions = new PipelineOptions
        {
            InputRingSize = options.InputRingSize,
            OutputRingSize = options.OutputRingSize,
            InputWait = options.InputWait,
            OutputWait = options.OutputWait,
            Layout = options.Layout,
            Engine = options.Engine,
            LogicCpu = options.LogicCpu,
        };
        if (options.DataDirectory != null)
        {
            var recovered = EngineRecovery.Recover(options.DataDirectory, options.Engine, options.Log);
            recovered.Logic.Snapshots = new SnapshotStore(options.DataDirectory);
            RecoveredSequence = recovered.NextSequence;
            Recovery = recovered.Stats;
            _journal = new JournalWriter(new JournalWriterOptions { Directory = options.DataDirectory, Durability = options.Durability });
            _pipeline = new EnginePipeline<SessionPublisher>(pipelineOptions, _publisher, _journal,
                sink =>
                {
                    recovered.Logic.ReplaceSink(sink);
                    return recovered.Logic;
                },
                recovered.NextSequence);
        }
        else
        {
            _pipeline = new EnginePipeline<SessionPublisher>(pipelineOptions, _publisher);
        }
        Metrics = new EngineMetrics(this);
        _eventsAtStart = _pipeline.Logic.EventsEmitted; // recovery's events never enter the output ring
        _pipeline.Start();
        if (RecoveredSequence == 0 && setup != null)
        {
            foreach (var command in setup)
            {
                var c = command;
                c.SessionId = 0;
                c.ReceiveTime = GatewayClock.NowNanoseconds();
                _pipeline.Submit(c);
            }
            SetupApplied = true;
        }
        _listener = new Socket(options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(options.Address, options.Port));
        _listener.Listen(512);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptTask = AcceptLoopAsync();
        _timerTask = TimerLoopAsync();
    }

    /// <summary>Recovers the engine, applies the setup on an empty journal, and starts listening.</summary>
    /// <param name="options">Where to listen, keys, limits, journal.</param>
    /// <param name="setup">Commands submitted once, when the journal is empty (the configuration's instruments, accounts, ...).</param>
    public static GatewayServer Start(ServerOptions options, IEnumerable<Command>? setup = null) => new(options, setup);

    /// <summary>The options the server runs with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The engine's metrics.</summary>
    public EngineMetrics? Metrics { get; }

    /// <summary>The input sequence the engine continued at after recovery (0 on an empty journal).</summary>
    public long RecoveredSequence { get; }

    /// <summary>Replay figures of the recovery, when there was a journal.</summary>
    public ReplayStats? Recovery { get; }

    /// <summary>True when the setup commands were submitted (the journal was empty).</summary>
    public bool SetupApplied { get; }

    /// <summary>The business logic; read it only after <see cref="StopAsync"/>.</summary>
    public ExchangeLogic Logic => _pipeline.Logic;

    /// <summary>Sessions connected now.</summary>
    public int SessionCount => _sessions.Count;

    /// <inheritdoc/>
    public long InputCursor => _pipeline.Input.Cursor;

    /// <inheritdoc/>
    public long ProcessedSequence => _pipeline.ProcessedSequence;

    /// <inheritdoc/>
    public long DurableSequence => _pipeline.DurableSequence;

    /// <inheritdoc/>
    public bool HasJournal => _journal != null;

    /// <inheritdoc/>
    public long JournalBytes => _journal?.BytesWritten ?? 0;

    /// <inheritdoc/>
    public int InputRingSize => Options.InputRingSize;

    /// <summary>The input sequence of the last result handed to the sessions.</summary>
    public long ReleasedSequence => _publisher.Released;

    internal ValueRingBuffer<Command> Ring => _pipeline.Input;

    internal bool Stopping => Volatile.Read(ref _stopped) != 0;

    /// <summary>Submits a command from inside the server process (session 0), e.g. an operator's snapshot.</summary>
    public long Submit(Command command)
    {
        command.SessionId = 0;
        command.ReceiveTime = GatewayClock.NowNanoseconds();
        return _pipeline.Submit(command);
    }

    /// <summary>Stops: no new connections or requests; what was received is processed, journaled and answered; then every connection closes.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        _stop.Cancel();
        _listener.Dispose();
        foreach (var session in _sessions.Snapshot()) session.StopReading();
        var spinner = new SpinWait();
        while (Volatile.Read(ref _busyReaders) != 0) spinner.SpinOnce(); // a reader in the middle of a batch finishes publishing it
        var drained = _pipeline.Drain(limit);
        foreach (var session in _sessions.Snapshot())
            session.SendError(RejectCode.Unavailable, 0, 0, 0, closing: true);
        await Task.WhenAny(Task.WhenAll(_running.Values), Task.Delay(limit));
        foreach (var session in _sessions.Snapshot()) session.Abort();
        _pipeline.Stop(limit);
        _journal?.Dispose();
        await Task.WhenAll(_acceptTask, _timerTask);
        Metrics?.Dispose();
        Log(drained ? "server stopped: everything received was processed and journaled" : "server stopped before the engine drained");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync();

    internal void Log(string line) => Options.Log?.Invoke(line);

    internal AccessKey? FindKey(string key) => _keys.GetValueOrDefault(key);

    internal void EnterReader() => Interlocked.Increment(ref _busyReaders);

    internal void ExitReader() => Interlocked.Decrement(ref _busyReaders);

    internal void OnLoggedIn(GatewaySession session)
    {
        _sessions.AddAccounts(session);
        Metrics?.SessionOpened();
        Log($"session {session.Id}: logged in, roles {session.Roles}, accounts [{string.Join(", ", session.Accounts)}]");
    }

    internal void OnSessionClosing(GatewaySession session) => _sessions.Remove(session);

    internal void OnSessionEnded(GatewaySession session)
    {
        _sessions.Remove(session);
        _running.TryRemove(session, out _);
        if (session.LoggedIn) Metrics?.SessionClosed();
    }

    /// <summary>Waits until every event of input <paramref name="sequence"/> (and of the commands before it) was handed to the sessions.</summary>
    internal async Task WaitReleasedAsync(long sequence, TimeSpan timeout)
    {
        // an event of a later command was handed out: events come in order, so all of this command's were too
        if (sequence < 0 || _publisher.Released > sequence) return;
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        // once the logic thread has finished the batch holding the command, all of its events are in the output ring
        while (_pipeline.ProcessedSequence < sequence && Environment.TickCount64 < deadline) await Task.Delay(1);
        // the logic counts each event as it creates it, before it publishes its processed sequence (read above), so the
        // count covers the command's last event (it may cover later commands' too: that only waits a little longer);
        // Released alone is not enough: a command with more events than the logic's buffer leaves it in several flushes
        var lastEvent = _pipeline.Logic.EventsEmitted - _eventsAtStart - 1;
        while (_publisher.ReleasedOutput < lastEvent && Environment.TickCount64 < deadline) await Task.Delay(1);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
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
            socket.NoDelay = true;
            var session = new GatewaySession(this, socket);
            if (!_sessions.TryAdd(session))
            {
                Log($"refused a connection: {Options.MaxSessions} sessions already");
                socket.Dispose();
                continue;
            }
            _running[session] = Task.Run(session.RunAsync);
        }
    }

    private async Task TimerLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(TimerPeriodMs));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = Environment.TickCount64;
                foreach (var session in _sessions.Snapshot()) session.OnTimer(now);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
