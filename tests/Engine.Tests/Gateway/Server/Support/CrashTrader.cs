using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Client;
using Engine.Gateway.Protocol;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>
/// One trader of the TCP crash test: streams orders and cancels of one account over a real <see cref="EngineClient"/>
/// with a bounded window, and keeps what it knows of each order (<see cref="TrackedOrder"/>) from the events it
/// receives. After a restart, <see cref="Reconcile"/> checks the recovered engine's open orders and position against
/// that knowledge, then adopts the recovered figures so that the next run continues from them.
/// </summary>
/// <remarks>
/// What the trader knows splits into what was <em>acknowledged</em> (an Accepted received: the command is journaled,
/// it must survive) and what was only <em>sent</em> (it may or may not have been journaled before the kill). Client
/// order ids count up over the whole test; cancel request ids live in their own range.
/// </remarks>
public sealed class CrashTrader
{
    private const int Window = 32;
    private const int Burst = 8;
    private const long CancelRequestBase = 1_000_000_000;
    private const long Tick = 10_000_000; // 0.1 USD, raw
    private const long Lot = 100_000;     // 0.001 BTC, raw

    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly Dictionary<long, TrackedOrder> _orders = [];      // every order ever sent, by client order id
    private readonly Dictionary<long, TrackedOrder> _byOrderId = [];   // acknowledged or adopted, by engine order id
    private readonly Dictionary<long, TrackedOrder> _byCancel = [];    // by cancel request id
    private readonly List<TrackedOrder> _cancelable = [];              // resting, no cancel sent (may hold stale entries)
    private readonly List<string> _anomalies = [];
    private readonly Dictionary<RejectCode, int> _rejects = [];
    private long _lastClientOrderId;
    private long _lastCancel;
    private bool _quoteBid;

    // the current run
    private EngineClient? _client;
    private SemaphoreSlim? _window;
    private int _sessionId;
    private int _run;
    private bool _takerBuys;
    private int _answered;
    private int _sent;
    private long _seenFills; // signed (buy +, sell -), this run
    private Action? _onAnswer;

    public CrashTrader(string name, string key, int account, CrashRole role, int seed)
    {
        Name = name;
        Key = key;
        Account = account;
        Role = role;
        _random = new Random(seed);
    }

    /// <summary>The crash test's client settings: the deadlines only detect hangs on a loaded machine.</summary>
    public static EngineClientOptions ClientOptions { get; } = new() { LoginTimeout = TimeSpan.FromSeconds(60), HeartbeatMs = 20_000 };

    public string Name { get; }

    public string Key { get; }

    public int Account { get; }

    public CrashRole Role { get; }

    /// <summary>The account's signed BTC position (long +) as the engine last reported it after a (re)start.</summary>
    public long Position { get; private set; }

    /// <summary>Answers (Accepted or Rejected) to this trader's orders and cancels received in the current run.</summary>
    public int AnsweredThisRun => Volatile.Read(ref _answered);

    /// <summary>Requests (orders and cancels) handed to the client in the current run.</summary>
    public int SentThisRun => Volatile.Read(ref _sent);

    /// <summary>Signed fill quantity received in the current run.</summary>
    public long SeenFillsThisRun
    {
        get
        {
            lock (_lock) return _seenFills;
        }
    }

    /// <summary>Orders acknowledged over the whole test.</summary>
    public int AcknowledgedOrders
    {
        get
        {
            lock (_lock) return _orders.Values.Count(o => o.Acknowledged);
        }
    }

    /// <summary>The highest input sequence of an answer this trader received.</summary>
    public long MaxAnsweredSequence { get; private set; } = -1;

    /// <summary>Anything the events contradicted (an answer or fill for an unknown order, a gateway error, ...).</summary>
    public IReadOnlyList<string> Anomalies
    {
        get
        {
            lock (_lock) return [.. _anomalies];
        }
    }

    /// <summary>Rejections by code, over the whole test (the flows avoid them; margin may still refuse a few).</summary>
    public string RejectSummary()
    {
        lock (_lock) return _rejects.Count == 0 ? "none" : string.Join(", ", _rejects.Select(r => $"{r.Key} x{r.Value}"));
    }

    /// <summary>Connects and logs in for run <paramref name="run"/>.</summary>
    /// <param name="port">The server's port.</param>
    /// <param name="run">The run number (0 for the first start).</param>
    /// <param name="observe">Sees every event, before the trader.</param>
    /// <param name="onAnswer">Called on the receive loop after each answer to this trader's requests has been recorded.</param>
    /// <param name="timeout">Hang detector.</param>
    public async Task ConnectAsync(int port, int run, EngineEventHandler observe, Action onAnswer, TimeSpan timeout)
    {
        var client = await EngineClient.ConnectAsync("127.0.0.1", port, Key, ClientOptions).WaitAsync(timeout);
        lock (_lock)
        {
            _client = client;
            _window = new SemaphoreSlim(Window, Window);
            _sessionId = client.SessionId;
            _run = run;
            _takerBuys = run % 2 == 0;
            _seenFills = 0;
            _onAnswer = onAnswer;
            Volatile.Write(ref _answered, 0);
            Volatile.Write(ref _sent, 0);
        }
        client.EventReceived += observe;
        client.EventReceived += OnEvent;
        client.ErrorReceived += e =>
        {
            lock (_lock) _anomalies.Add($"{Name}: gateway error {e.Code} for frame {e.RefSequence} ({e.RefType})");
        };
    }

    /// <summary>Streams requests until <paramref name="ct"/> is canceled or the connection ends (the server was killed).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var client = _client!;
        var window = _window!;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await window.WaitAsync(ct);
                var n = 1;
                while (n < Burst && window.Wait(0)) n++;
                for (var i = 0; i < n; i++)
                    if (!SendNext(client)) return;
                await client.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        catch (EngineClientException)
        {
            // the server died under the flush
        }
    }

    /// <summary>Waits until the connection has ended and its receive loop has handled its last frame: from then on what the
    /// trader knows of this run is final.</summary>
    public async Task DisconnectAsync(TimeSpan timeout)
    {
        EngineClient? client;
        lock (_lock)
        {
            client = _client;
            _client = null;
        }
        if (client != null) await client.DisposeAsync().AsTask().WaitAsync(timeout);
    }

    /// <summary>The quantity of this run's IOC orders whose outcome was not (fully) seen: the most the recovered engine may
    /// have filled beyond the fills received.</summary>
    public long UnresolvedImmediateQuantity()
    {
        lock (_lock)
            return _orders.Values.Where(o => o.Run == _run && o.TimeInForce != TimeInForce.GoodTillCancel && !o.Closed).Sum(o => o.KnownLeaves);
    }

    /// <summary>
    /// Checks a recovered engine's QueryAccount rows for this account against what the trader knows, then takes the recovered
    /// figures: orders found open are resting (with their recovered open quantity), every other unsettled one is closed.
    /// </summary>
    /// <returns>The recovered position; for the maker, the quantity by which acknowledged orders were filled without the
    /// trader seeing it (fills of commands journaled but not yet released at the kill); open and adopted order counts.</returns>
    public (long Position, long UnseenFills, int Open, int Adopted) Reconcile(IReadOnlyList<OutputEvent> rows, string when)
    {
        lock (_lock)
        {
            var open = new Dictionary<long, OutputEvent>();
            long position = 0;
            foreach (var row in rows)
            {
                Assert.That(row.AccountId, Is.EqualTo(Account), $"{when}: a row of {Name}'s query is about account {row.AccountId}");
                if (row.Type == EventType.OpenOrder)
                    Assert.That(open.TryAdd(row.ClientOrderId, row), Is.True, $"{when}: {Name} has two open orders with client order id {row.ClientOrderId}");
                else if (row.Type == EventType.Position && row.InstrumentId == Btc)
                    position = row.Side == Side.Buy ? row.Quantity : -row.Quantity;
            }
            foreach (var row in open.Values)
                Assert.That(_orders.ContainsKey(row.ClientOrderId), Is.True, $"{when}: {Name} has an open order the test never sent: {Describe(row)}");

            long unseen = 0;
            var adopted = 0;
            _cancelable.Clear();
            foreach (var order in _orders.Values)
            {
                var isOpen = open.TryGetValue(order.ClientOrderId, out var row);
                if (order.Closed)
                {
                    Assert.That(isOpen, Is.False, $"{when}: {Name}'s {order} was rejected, canceled or filled before the crash, yet it is open: {Describe(row)}");
                    continue;
                }
                if (isOpen)
                {
                    Assert.That((row.Side, row.Price, row.Quantity), Is.EqualTo((order.Side, order.Price, order.Quantity)),
                        $"{when}: {Name}'s open order {Describe(row)} is not the {order}");
                    if (order.Acknowledged || order.Adopted)
                        Assert.That(row.OrderId, Is.EqualTo(order.OrderId), $"{when}: {Name}'s {order} came back under another engine id: {Describe(row)}");
                }
                if (order.TimeInForce != TimeInForce.GoodTillCancel)
                {
                    Assert.That(isOpen, Is.False, $"{when}: {Name}'s IOC {order} rests: {Describe(row)}");
                    order.Closed = true;
                    continue;
                }
                if (!order.Acknowledged && !order.Adopted)
                {
                    // sent but never answered: it may have been journaled before the kill, or not
                    if (!isOpen)
                    {
                        order.Closed = true;
                        continue;
                    }
                    order.Adopted = true;
                    order.OrderId = row.OrderId;
                    Assert.That(_byOrderId.TryAdd(row.OrderId, order), Is.True, $"{when}: {Name} already has an order with engine id {row.OrderId}");
                    adopted++;
                }
                else
                {
                    var leaves = isOpen ? row.LeavesQuantity : 0;
                    if (order.PendingCancel != 0)
                    {
                        // its cancel was sent but not answered: either may have been journaled; if it is still open, the cancel was not
                        _byCancel.Remove(order.PendingCancel);
                        order.PendingCancel = 0;
                    }
                    else if (Role != CrashRole.Maker)
                    {
                        // nothing can trade with it: an order acknowledged as resting must still rest, whole
                        Assert.That(isOpen, Is.True, $"{when}: {Name}'s acknowledged resting {order} is lost: the recovered engine does not have it open");
                    }
                    if (Role == CrashRole.Maker)
                    {
                        // the taker may have filled it by a command journaled but not released before the kill; it never grows back
                        Assert.That(leaves, Is.LessThanOrEqualTo(order.KnownLeaves), $"{when}: {Name}'s {order} has grown back to {leaves}");
                        unseen += order.KnownLeaves - leaves;
                    }
                    else
                    {
                        Assert.That(isOpen ? leaves : order.KnownLeaves, Is.EqualTo(order.KnownLeaves),
                            $"{when}: {Name}'s {order} has another open quantity: {Describe(row)}");
                    }
                    if (!isOpen)
                    {
                        order.Closed = true;
                        continue;
                    }
                }
                order.KnownFilled = order.Quantity - row.LeavesQuantity;
                if (Role != CrashRole.Maker) _cancelable.Add(order);
            }
            Position = position;
            return (position, unseen, open.Count, adopted);
        }
    }

    private bool SendNext(EngineClient client)
    {
        PlaceOrderMessage order = default;
        CancelOrderMessage cancel = default;
        bool isCancel;
        lock (_lock)
        {
            isCancel = TryPickCancel(out cancel);
            if (!isCancel) order = NextOrder();
        }
        if (!(isCancel ? client.TrySend(in cancel) : client.TrySend(in order))) return false;
        Interlocked.Increment(ref _sent);
        return true;
    }

    /// <summary>Decides whether the next request is a cancel, and if so registers it (before it is sent: the answer may come first).</summary>
    private bool TryPickCancel(out CancelOrderMessage cancel)
    {
        cancel = default;
        var share = Role switch
        {
            CrashRole.RestingBuyer or CrashRole.RestingSeller => 40,
            CrashRole.Taker => 15,
            _ => 0,
        };
        if (_random.Next(100) >= share) return false;
        while (_cancelable.Count > 0)
        {
            var at = _random.Next(_cancelable.Count);
            var order = _cancelable[at];
            _cancelable[at] = _cancelable[^1];
            _cancelable.RemoveAt(_cancelable.Count - 1);
            if (order.Closed || order.PendingCancel != 0) continue;
            order.PendingCancel = CancelRequestBase + ++_lastCancel;
            _byCancel[order.PendingCancel] = order;
            cancel = new CancelOrderMessage { AccountId = Account, OrderId = order.OrderId, RequestId = order.PendingCancel };
            return true;
        }
        return false;
    }

    /// <summary>The next order of this role, registered before it is sent.</summary>
    private PlaceOrderMessage NextOrder()
    {
        Side side;
        long price;
        var lots = _random.Next(1, 6);
        var tif = TimeInForce.GoodTillCancel;
        switch (Role)
        {
            case CrashRole.RestingBuyer:
                (side, price) = (Side.Buy, Px(97_500m) + _random.Next(10_000) * Tick);
                break;
            case CrashRole.RestingSeller:
                (side, price) = (Side.Sell, Px(101_500m) + _random.Next(10_000) * Tick);
                break;
            case CrashRole.Maker:
                _quoteBid = !_quoteBid;
                (side, price) = _quoteBid ? (Side.Buy, Px(99_970m) + _random.Next(200) * Tick) : (Side.Sell, Px(100_000m) + _random.Next(200) * Tick);
                lots = _random.Next(1, 11);
                break;
            default:
                if (_random.Next(100) < 65)
                {
                    tif = TimeInForce.ImmediateOrCancel;
                    (side, price) = _takerBuys ? (Side.Buy, Px(100_050m)) : (Side.Sell, Px(99_950m));
                }
                else
                {
                    (side, price) = (Side.Buy, Px(99_000m) + _random.Next(5_000) * Tick);
                    lots = _random.Next(1, 4);
                }
                break;
        }
        var tracked = new TrackedOrder
        {
            ClientOrderId = ++_lastClientOrderId, Side = side, Price = price, Quantity = lots * Lot, TimeInForce = tif, Run = _run,
        };
        _orders.Add(tracked.ClientOrderId, tracked);
        return new PlaceOrderMessage
        {
            AccountId = Account, InstrumentId = Btc, ClientOrderId = tracked.ClientOrderId, Price = price, Quantity = tracked.Quantity,
            Side = side, OrderType = OrderType.Limit, TimeInForce = tif,
        };
    }

    private void OnEvent(in OutputEvent e)
    {
        lock (_lock)
        {
            switch (e.Type)
            {
                case EventType.Accepted or EventType.Rejected when e.SessionId == _sessionId:
                    OnAnswer(in e);
                    _onAnswer?.Invoke();
                    break;
                case EventType.Fill when e.AccountId == Account:
                    OnFill(in e);
                    break;
                case EventType.Canceled when e.AccountId == Account:
                    if (_byOrderId.TryGetValue(e.OrderId, out var canceled)) canceled.Closed = true;
                    else _anomalies.Add($"{Name}: a cancel of an order it does not know: {Describe(e)}");
                    break;
            }
        }
    }

    private void OnAnswer(in OutputEvent e)
    {
        if (e.InputSequence > MaxAnsweredSequence) MaxAnsweredSequence = e.InputSequence;
        Interlocked.Increment(ref _answered);
        _window?.Release();
        if (e.Type == EventType.Rejected) _rejects[e.RejectCode] = _rejects.GetValueOrDefault(e.RejectCode) + 1;
        if (e.CommandType == CommandType.PlaceOrder && _orders.TryGetValue(e.ClientOrderId, out var order) && order.InputSequence < 0)
        {
            order.InputSequence = e.InputSequence;
            if (e.Type == EventType.Rejected)
            {
                order.Rejected = true;
                order.Closed = true;
                return;
            }
            order.Acknowledged = true;
            order.OrderId = e.OrderId;
            if (!_byOrderId.TryAdd(e.OrderId, order)) _anomalies.Add($"{Name}: engine order id {e.OrderId} given twice: {Describe(e)}");
            if (order.TimeInForce == TimeInForce.GoodTillCancel && Role != CrashRole.Maker) _cancelable.Add(order);
        }
        else if (e.CommandType == CommandType.CancelOrder && _byCancel.Remove(e.ClientOrderId, out var target))
        {
            target.PendingCancel = 0;
            if (e.Type == EventType.Accepted) target.Closed = true; // its Canceled event may not have arrived
            else _anomalies.Add($"{Name}: the cancel of its {target} was refused: {Describe(e)}");
        }
        else
        {
            _anomalies.Add($"{Name}: an answer to a request it did not send: {Describe(e)}");
        }
    }

    private void OnFill(in OutputEvent e)
    {
        if (!_byOrderId.TryGetValue(e.OrderId, out var order))
        {
            _anomalies.Add($"{Name}: a fill of an order it does not know: {Describe(e)}");
            return;
        }
        order.KnownFilled += e.Quantity;
        _seenFills += order.Side == Side.Buy ? e.Quantity : -e.Quantity;
        if (order.KnownFilled > order.Quantity || order.KnownLeaves != e.LeavesQuantity)
            _anomalies.Add($"{Name}: the fills of its {order} do not add up: {Describe(e)}");
        if (e.LeavesQuantity == 0) order.Closed = true;
    }

    private static string Describe(in OutputEvent e) =>
        $"{e.Type} {e.CommandType} account {e.AccountId} input {e.InputSequence} client id {e.ClientOrderId} order {e.OrderId} " +
        $"{e.Side} {e.Quantity} @ {e.Price} leaves {e.LeavesQuantity} code {e.Code}";
}
