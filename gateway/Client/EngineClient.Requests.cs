using System.Buffers.Binary;
using Engine.Commands;
using Engine.Gateway.Protocol;

namespace Engine.Gateway.Client;

// The awaitable request API: each request is registered under its request id (body offset 8) and its frame sequence
// before its frame is written, so that the engine's response (by request id) or the gateway's Error (by sequence) finds it.
public sealed partial class EngineClient
{
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<long, PendingRequest> _pendingById = [];
    private readonly Dictionary<uint, PendingRequest> _pendingBySequence = [];
    private readonly Dictionary<long, PendingRequest> _collecting = []; // accepted queries by input sequence, until their last row
    private long _nextAutoRequestId; // guarded by _pendingLock

    /// <summary>Sends any request and completes with the engine's response (and a query's rows) or the gateway's refusal.</summary>
    /// <remarks>
    /// When the message's request id (client order id for PlaceOrder) is 0 the client assigns a unique one (from
    /// <see cref="EngineClientOptions.FirstAutoRequestId"/> up) and <see cref="EngineResponse.RequestId"/> reports it. A
    /// request id already awaiting a response is refused. Allocates a task and its bookkeeping: use
    /// <see cref="TrySend{T}"/> at high rates.
    /// </remarks>
    /// <param name="message">The request.</param>
    /// <param name="ct">Stops waiting; the request may still have been executed.</param>
    /// <returns>A task that fails with <see cref="EngineClientException"/> if the connection ends before the answer.</returns>
    public Task<EngineResponse> RequestAsync<T>(T message, CancellationToken ct = default) where T : struct, IRequestMessage<T>
    {
        var pending = new PendingRequest(T.Type);
        var size = FrameHeader.Size + T.BodySize;
        lock (_sendLock)
        {
            if (_sendClosed) return Task.FromException<EngineResponse>(NotConnected());
            var writer = _sendPipe.Writer;
            var frame = writer.GetSpan(size);
            var sequence = _sequence + 1;
            FrameWriter.TryWriteRequest(frame, in message, sequence, out _);
            var requestIdField = frame.Slice(FrameHeader.Size + RequestDecoder.RequestIdOffset, sizeof(long));
            var requestId = BinaryPrimitives.ReadInt64LittleEndian(requestIdField);
            lock (_pendingLock)
            {
                if (requestId == 0)
                {
                    do requestId = _nextAutoRequestId++;
                    while (requestId == 0 || _pendingById.ContainsKey(requestId));
                    BinaryPrimitives.WriteInt64LittleEndian(requestIdField, requestId);
                }
                else if (_pendingById.ContainsKey(requestId))
                {
                    return Task.FromException<EngineResponse>(new InvalidOperationException($"request id {requestId} is already awaiting a response"));
                }
                pending.RequestId = requestId;
                pending.Sequence = sequence;
                _pendingById.Add(requestId, pending);
                _pendingBySequence.Add(sequence, pending);
            }
            writer.Advance(size);
            _sequence = sequence;
        }
        return AwaitResponseAsync(pending, ct);
    }

    /// <summary>Places an order (trader, granted account). Accepted carries the engine's <c>OrderId</c>; fills and cancels follow as events.</summary>
    /// <param name="accountId">Account.</param>
    /// <param name="instrumentId">Instrument.</param>
    /// <param name="side">Buy or sell.</param>
    /// <param name="quantity">Quantity, raw (1e-8; see <see cref="Units.ToRawQuantity"/>).</param>
    /// <param name="price">Limit price, raw (1e-8; see <see cref="Units.ToRawPrice"/>); 0 for a market order.</param>
    /// <param name="orderType">Limit or market.</param>
    /// <param name="timeInForce">GTC, IOC or FOK (a market order never rests).</param>
    /// <param name="flags">Post-only, reduce-only.</param>
    /// <param name="selfTrade">What to do when the order would trade with the same account.</param>
    /// <param name="clientOrderId">Echoed in every event about the order; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> PlaceOrderAsync(int accountId, int instrumentId, Side side, long quantity, long price,
        OrderType orderType = OrderType.Limit, TimeInForce timeInForce = TimeInForce.GoodTillCancel, OrderFlags flags = OrderFlags.None,
        SelfTradeMode selfTrade = SelfTradeMode.CancelResting, long clientOrderId = 0, CancellationToken ct = default) =>
        RequestAsync(new PlaceOrderMessage
        {
            AccountId = accountId, InstrumentId = instrumentId, ClientOrderId = clientOrderId, Price = price, Quantity = quantity,
            Side = side, OrderType = orderType, TimeInForce = timeInForce, Flags = flags, SelfTrade = selfTrade,
        }, ct);

    /// <summary>Cancels an open order by its engine order id (trader, granted account).</summary>
    /// <param name="accountId">Account that owns the order.</param>
    /// <param name="orderId">Engine order id (from the order's Accepted event).</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> CancelOrderAsync(int accountId, long orderId, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new CancelOrderMessage { AccountId = accountId, OrderId = orderId, RequestId = requestId }, ct);

    /// <summary>Changes the price and/or open quantity of an open order (trader, granted account).</summary>
    /// <param name="accountId">Account that owns the order.</param>
    /// <param name="orderId">Engine order id.</param>
    /// <param name="price">New price, raw; 0 keeps it.</param>
    /// <param name="quantity">New open quantity, raw; 0 keeps it.</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> ReplaceOrderAsync(int accountId, long orderId, long price, long quantity, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new ReplaceOrderMessage { AccountId = accountId, OrderId = orderId, Price = price, Quantity = quantity, RequestId = requestId }, ct);

    /// <summary>Cancels every open order of an account, or only those in one instrument (trader, granted account).</summary>
    /// <param name="accountId">Account.</param>
    /// <param name="instrumentId">Only this instrument; null: every instrument.</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> MassCancelAsync(int accountId, int? instrumentId = null, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new MassCancelMessage
        {
            AccountId = accountId, InstrumentId = instrumentId ?? 0, OneInstrument = instrumentId.HasValue ? 1 : 0, RequestId = requestId,
        }, ct);

    /// <summary>Sets the mark price of an instrument (price feed); positions are re-margined and may be liquidated.</summary>
    /// <param name="instrumentId">Instrument.</param>
    /// <param name="price">Mark price, raw (1e-8).</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> MarkPriceAsync(int instrumentId, long price, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new MarkPriceMessage { InstrumentId = instrumentId, Price = price, RequestId = requestId }, ct);

    /// <summary>Sets the price of a collateral asset in the settlement asset (price feed).</summary>
    /// <param name="assetId">Collateral asset (not 0, the settlement asset).</param>
    /// <param name="price">Price, raw (1e-8).</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> AssetPriceAsync(int assetId, long price, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new AssetPriceMessage { AssetId = assetId, Price = price, RequestId = requestId }, ct);

    /// <summary>Defines an instrument (admin); the message carries every field of the definition.</summary>
    /// <param name="instrument">The definition (its <c>RequestId</c> 0: assigned by the client).</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> AddInstrumentAsync(AddInstrumentMessage instrument, CancellationToken ct = default) => RequestAsync(instrument, ct);

    /// <summary>Appends a maintenance tier to an instrument (admin), in increasing notional order.</summary>
    /// <param name="instrumentId">Instrument.</param>
    /// <param name="tierIndex">Index of the tier, 0-based.</param>
    /// <param name="notionalCap">Upper notional bound of the tier (inclusive), raw money (1e-6).</param>
    /// <param name="mmrPpm">Maintenance margin rate, parts per million.</param>
    /// <param name="maxLeverage">Leverage cap within the tier.</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> AddInstrumentTierAsync(int instrumentId, byte tierIndex, long notionalCap, int mmrPpm, ushort maxLeverage,
        long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new AddInstrumentTierMessage
        {
            InstrumentId = instrumentId, TierIndex = tierIndex, NotionalCap = notionalCap, MmrPpm = mmrPpm, MaxLeverage = maxLeverage, RequestId = requestId,
        }, ct);

    /// <summary>Defines a collateral asset (admin).</summary>
    /// <param name="assetId">New asset id.</param>
    /// <param name="price">Initial price in the settlement asset, raw (1e-8).</param>
    /// <param name="haircutPpm">Collateral haircut, parts per million.</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> AddAssetAsync(int assetId, long price, int haircutPpm, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new AddAssetMessage { AssetId = assetId, Price = price, HaircutPpm = haircutPpm, RequestId = requestId }, ct);

    /// <summary>Creates an account (admin).</summary>
    /// <param name="accountId">New account id.</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> CreateAccountAsync(int accountId, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new CreateAccountMessage { AccountId = accountId, RequestId = requestId }, ct);

    /// <summary>Credits an account in an asset (admin).</summary>
    /// <param name="accountId">Account.</param>
    /// <param name="assetId">Asset.</param>
    /// <param name="amount">Amount, raw (1e-6 of the asset; see <see cref="Units.ToRawMoney"/>).</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> DepositAsync(int accountId, int assetId, long amount, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new DepositMessage { AccountId = accountId, AssetId = assetId, Amount = amount, RequestId = requestId }, ct);

    /// <summary>Debits an account in an asset (admin); refused if it would leave the account short of margin.</summary>
    /// <param name="accountId">Account.</param>
    /// <param name="assetId">Asset.</param>
    /// <param name="amount">Amount, raw (1e-6 of the asset).</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> WithdrawAsync(int accountId, int assetId, long amount, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new WithdrawMessage { AccountId = accountId, AssetId = assetId, Amount = amount, RequestId = requestId }, ct);

    /// <summary>Sets the leverage of an account on an instrument (trader, granted account; only when flat with no orders).</summary>
    /// <param name="accountId">Account.</param>
    /// <param name="instrumentId">Instrument.</param>
    /// <param name="leverage">Leverage (whole number).</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> SetLeverageAsync(int accountId, int instrumentId, ushort leverage, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new SetLeverageMessage { AccountId = accountId, InstrumentId = instrumentId, Leverage = leverage, RequestId = requestId }, ct);

    /// <summary>Sets cross or isolated margin for an account on an instrument (trader, granted account; only when flat with no orders).</summary>
    /// <param name="accountId">Account.</param>
    /// <param name="instrumentId">Instrument.</param>
    /// <param name="mode">Cross or isolated.</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> SetMarginModeAsync(int accountId, int instrumentId, MarginMode mode, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new SetMarginModeMessage { AccountId = accountId, InstrumentId = instrumentId, Mode = mode, RequestId = requestId }, ct);

    /// <summary>Adds (positive) or removes (negative) isolated margin of a position (trader, granted account).</summary>
    /// <param name="accountId">Account.</param>
    /// <param name="instrumentId">Instrument of the isolated position.</param>
    /// <param name="amount">Amount, raw money (1e-6); negative removes.</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> AdjustIsolatedMarginAsync(int accountId, int instrumentId, long amount, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new AdjustIsolatedMarginMessage { AccountId = accountId, InstrumentId = instrumentId, Amount = amount, RequestId = requestId }, ct);

    /// <summary>Asks for an account's risk, balances, positions (with liquidation and bankruptcy prices) and open orders, as
    /// <see cref="EngineResponse.Rows"/> (trader for a granted account, or admin).</summary>
    /// <param name="accountId">Account.</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> QueryAccountAsync(int accountId, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new QueryAccountMessage { AccountId = accountId, RequestId = requestId }, ct);

    /// <summary>Asks for the aggregated depth of a book: BookLevel rows, bids best first then asks best first (any session).</summary>
    /// <param name="instrumentId">Instrument.</param>
    /// <param name="depth">Levels per side; 0: the engine's default (10).</param>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> QueryBookAsync(int instrumentId, int depth = 0, long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new QueryBookMessage { InstrumentId = instrumentId, Depth = depth, RequestId = requestId }, ct);

    /// <summary>Takes a snapshot of the whole state (admin); Accepted carries the state hash in <c>OrderId</c> and the event hash in <c>MatchId</c>.</summary>
    /// <param name="requestId">Correlation id; 0: assigned by the client.</param>
    /// <param name="ct">Stops waiting.</param>
    public Task<EngineResponse> SnapshotAsync(long requestId = 0, CancellationToken ct = default) =>
        RequestAsync(new SnapshotMessage { RequestId = requestId }, ct);

    private async Task<EngineResponse> AwaitResponseAsync(PendingRequest pending, CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        return await pending.Completion.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private void FailPending(EngineClientException failure)
    {
        List<PendingRequest> failed;
        lock (_pendingLock)
        {
            failed = [.. _pendingById.Values, .. _collecting.Values];
            _pendingById.Clear();
            _pendingBySequence.Clear();
            _collecting.Clear();
        }
        foreach (var pending in failed) pending.Completion.TrySetException(failure);
    }
}
