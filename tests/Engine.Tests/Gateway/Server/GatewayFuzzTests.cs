using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Gateway.Server;
using Engine.Logic;
using Engine.Tests.Gateway.Server.Support;
using Journal;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>
/// Random and mutated frames against a live server over several connections, checked frame by frame against a model
/// of the spec, and the engine's final state checked against an offline engine fed exactly the accepted commands.
/// </summary>
/// <remarks>
/// <para>
/// Every byte a connection sends is also fed to a <see cref="SessionModel"/> (the spec's framing, numbering, login and
/// rights rules over the catalog's frame reader and decoder). The model says, for every frame, whether the server
/// answers with an error (which code, reference, request id, closing or not), logs in, logs out, or hands a command to
/// the engine; since mutations of valid frames (a flipped body byte, a random body of the right size) are still valid
/// frames, the command is decoded from the bytes actually sent, not from the request the generator meant. Each
/// connection's received errors must equal the model's; its Accepted/Rejected events must answer the model's commands
/// one for one, in order; the connection closes exactly when the model says.
/// </para>
/// <para>
/// The exact list of commands the engine accepted is rebuilt from those answers: the model's command, stamped with the
/// answer's session id and receive time (the event's Time), at the answer's input sequence. After the fuzz the list
/// must cover every input sequence after the setup without a gap (no command reached the engine unanswered); a fresh
/// in-process <see cref="ExchangeLogic"/> with the same configuration, fed the setup commands and then the list in
/// sequence order, must reach the server's state hash; and the journal must hold exactly the setup and that list.
/// </para>
/// <para>
/// A connection whose stream ends in the middle of a frame is finished with zero bytes (which complete the frame and
/// then form a zero length field), so no connection ever waits for a heartbeat timeout. Seeded; the seed is printed.
/// </para>
/// </remarks>
[Category("Fuzz")]
public class GatewayFuzzTests
{
    private const int TargetUnits = 100_000;
    private const int Workers = 4;
    private const int MaxBurst = 40;
    private const int MaxBurstsPerConnection = 40;

    private static readonly EngineConfig _engine = new()
    {
        // small capacities: random admin bodies meet IdOutOfRange instead of growing tables
        MaxInstruments = 8, MaxAccounts = 64, InitialAccounts = 64, MaxAssets = 4, InitialOrders = 1 << 12, MaxOrders = 1 << 16,
        InitialPositions = 256,
    };

    private readonly Lock _lock = new();
    private readonly List<(long Sequence, Command Command)> _accepted = [];
    private readonly Dictionary<string, int> _kinds = [];
    private long _nextId;
    private int _units;
    private int _connections;
    private int _errors;

    [Test]
    public async Task ShouldMatchTheSpecFrameByFrameAndAnOfflineReplayWhenFedRandomAndMutatedFrames()
    {
        var seed = TestSeed.Get(20_261_125);
        await using var server = ServerFixture.Start(engine: _engine);
        var keys = server.Options.Keys;

        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkAsync(server, keys, new Random(seed + 7919 * w)))).ToArray();
        await Task.WhenAll(workers);
        TestContext.Out.WriteLine($"{_units} units over {_connections} connections; {_accepted.Count} commands reached the engine, {_errors} gateway errors");
        TestContext.Out.WriteLine(string.Join(", ", _kinds.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}")));

        await ExpectAWellBehavedClientTradesAsync(server, keys);

        await server.StopAsync();
        var logic = server.Server.Logic;
        Assert.That(logic.ValidateInvariants(), Is.Null);
        var setup = server.Setup;
        var accepted = _accepted.OrderBy(a => a.Sequence).ToList();
        Assert.That(accepted.Select(a => a.Sequence), Is.EqualTo(Enumerable.Range(setup.Count, accepted.Count).Select(s => (long)s)),
            "the answered commands are every input after the setup, without a gap: nothing reached the engine unanswered");
        Assert.That(logic.CommandsProcessed, Is.EqualTo(setup.Count + accepted.Count));

        // the offline engine, fed the same setup and exactly the accepted commands, reaches the same state
        var offline = new ExchangeLogic(_engine, NullEventSink.Instance);
        long sequence = 0;
        foreach (var command in setup)
        {
            var c = command;
            offline.Process(ref c, sequence++);
        }
        foreach (var (s, command) in accepted)
        {
            var c = command;
            offline.Process(ref c, s);
        }
        offline.FlushEvents();
        Assert.That(offline.StateHash(), Is.EqualTo(logic.StateHash()), "the offline replay of the accepted commands reaches the server's state");
        Assert.That(offline.ValidateInvariants(), Is.Null);

        // and the journal holds exactly those commands: only frames the model called valid ever reached it
        var journaled = new List<(long Sequence, Command Command)>();
        new JournalReader(server.DataDirectory).Read(0, (ref Command c, long s) => journaled.Add((s, c)));
        Assert.That(journaled, Has.Count.EqualTo(setup.Count + accepted.Count));
        for (var i = 0; i < setup.Count; i++)
        {
            var c = journaled[i].Command;
            c.ReceiveTime = 0; // stamped by the server at start
            Assert.That(c, Is.EqualTo(setup[i]), $"setup command {i}");
        }
        for (var i = 0; i < accepted.Count; i++)
            Assert.That(journaled[setup.Count + i], Is.EqualTo(accepted[i]), $"journal entry {setup.Count + i}");
    }

    private async Task WorkAsync(ServerFixture server, IReadOnlyList<AccessKey> keys, Random random)
    {
        var known = new List<(int Account, long OrderId)>();
        while (Volatile.Read(ref _units) < TargetUnits)
        {
            var key = PickKey(random, keys);
            var context = new FuzzContext(random, key, known, () => Interlocked.Increment(ref _nextId));
            await RunConnectionAsync(server, keys, context);
            Interlocked.Increment(ref _connections);
        }
    }

    private static AccessKey PickKey(Random random, IReadOnlyList<AccessKey> keys)
    {
        var roll = random.Next(100);
        string name = roll switch
        {
            < 18 => AliceKey, < 33 => BobKey, < 45 => CarolKey, < 63 => MakerKey, < 78 => DeskKey, < 89 => FeedKey, _ => AdminKey,
        };
        return keys.Single(k => k.Key == name);
    }

    /// <summary>One connection: bursts of units, each ended by a book query (a fence) unless the model says the server closes.</summary>
    private async Task RunConnectionAsync(ServerFixture server, IReadOnlyList<AccessKey> keys, FuzzContext context)
    {
        var r = context.Random;
        var model = new SessionModel(keys);
        await using var client = await RawClient.ConnectAsync(server.Port);
        var pending = new List<byte[]> { FuzzFrames.Login(context) };
        model.Feed(pending[0]);
        Interlocked.Increment(ref _units);
        for (var burst = 0; ; burst++)
        {
            var last = burst == MaxBurstsPerConnection || Volatile.Read(ref _units) >= TargetUnits;
            for (var n = last ? 0 : r.Next(1, MaxBurst + 1); n > 0 && !model.Ended; n--)
            {
                var unit = FuzzFrames.Next(context, out var kind);
                model.Feed(unit);
                pending.Add(unit);
                Interlocked.Increment(ref _units);
                lock (_lock) _kinds[kind] = _kinds.GetValueOrDefault(kind) + 1;
            }
            long fence = 0;
            if (!model.Ended && model.PendingBytes > 0)
            {
                // a frame is incomplete: zeros complete it and then form a header of length 0, which ends the session
                var zeros = new byte[FrameHeader.MaxFrameLength + FrameHeader.Size];
                model.Feed(zeros);
                pending.Add(zeros);
                Assert.That(model.Ended, Is.True, "zeros end a stream in the middle of a frame");
            }
            else if (!model.Ended)
            {
                context.Sequence = model.NextSequence;
                var end = last ? Frames.Logout(model.NextSequence) : Frames.Request(BookQuery(fence = context.NextId()), model.NextSequence);
                model.Feed(end);
                pending.Add(end);
            }
            await SendInPiecesAsync(client, Frames.Concat(pending), r);
            pending.Clear();
            if (model.Ended)
            {
                await client.WaitClosedAsync();
                break;
            }
            await client.WaitForResponseAsync(fence);
        }
        Verify(client, model, context);
    }

    /// <summary>Sends in one to three writes, so frames also arrive split.</summary>
    private static async Task SendInPiecesAsync(RawClient client, byte[] bytes, Random r)
    {
        var cuts = Enumerable.Range(0, r.Next(0, 3)).Select(_ => r.Next(0, bytes.Length)).Order().ToList();
        var from = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            if (cut > from && !await client.TrySendBytesAsync(bytes.AsMemory(from, cut - from))) return;
            from = Math.Max(from, cut);
        }
    }

    private void Verify(RawClient client, SessionModel model, FuzzContext context)
    {
        var what = $"connection of {context.Key.Key}, session {client.SessionId}: {client.Describe()}";
        Assert.That(client.Violation, Is.Null, what);
        Assert.That(client.RemoteClosed, Is.True, what);
        var outcomes = model.Outcomes;
        var frames = client.Frames();

        var expectedErrors = outcomes.Where(o => o.Kind == ModelOutcomeKind.Error).Select(o => o.Error).ToList();
        Assert.That(client.Errors(), Is.EqualTo(expectedErrors), $"errors; {what}");
        Assert.That(client.Login.HasValue, Is.EqualTo(outcomes.Any(o => o.Kind == ModelOutcomeKind.LoginAccepted)), $"login; {what}");
        var logout = outcomes.Any(o => o.Kind == ModelOutcomeKind.Logout);
        Assert.That(frames.Count > 0 && frames[^1].Type == MessageType.Logout, Is.EqualTo(logout), $"logout; {what}");

        var commands = outcomes.Where(o => o.Kind == ModelOutcomeKind.Command).ToList();
        var responses = client.Events().Where(e => e.Type is EventType.Accepted or EventType.Rejected).ToList();
        Assert.That(responses, Has.Count.EqualTo(commands.Count), $"one answer per command; {what}");
        var accounts = client.Login?.Accounts ?? [];
        foreach (var e in client.Events())
        {
            if (e.Type is EventType.Fill or EventType.Canceled or EventType.Replaced or EventType.Liquidation)
                Assert.That(accounts, Does.Contain(e.AccountId), $"an event of another account: {ReceivedFrame.Describe(e)}; {what}");
            else
                Assert.That(e.SessionId, Is.EqualTo(client.SessionId), $"another session's answer: {ReceivedFrame.Describe(e)}; {what}");
        }
        lock (_lock)
        {
            _errors += expectedErrors.Count;
            for (var i = 0; i < commands.Count; i++)
            {
                var response = responses[i];
                var command = commands[i].Command;
                Assert.That(response.ClientOrderId, Is.EqualTo(command.ClientOrderId), $"answer {i} is to frame #{commands[i].Sequence}; {what}");
                Assert.That(response.CommandType, Is.EqualTo(command.Type), $"answer {i}; {what}");
                command.SessionId = response.SessionId;
                command.ReceiveTime = response.Time;
                _accepted.Add((response.InputSequence, command));
                if (command.Type == CommandType.PlaceOrder && response.Type == EventType.Accepted && context.KnownOrders.Count < 2_000)
                    context.KnownOrders.Add((command.AccountId, response.OrderId));
            }
        }
    }

    /// <summary>
    /// After the fuzz: the maker clears its orders and rests a sell just above the best bid (the feed first sets the mark
    /// there), alice clears hers (freeing her margin) and takes it; all through the same model and bookkeeping, so their
    /// commands join the replayed list.
    /// </summary>
    private async Task ExpectAWellBehavedClientTradesAsync(ServerFixture server, IReadOnlyList<AccessKey> keys)
    {
        await using var maker = await StartScriptAsync(server, keys, MakerKey, out var makerModel, out var makerContext);
        var book = makerContext.NextId();
        await SendModeledAsync(maker, makerModel, [
            Frames.Request(new MassCancelMessage { AccountId = Maker, RequestId = makerContext.NextId() }, 2),
            Frames.Request(BookQuery(book, Btc, depth: 1), 3),
        ]);
        var rows = await maker.WaitForQueryAsync(book);
        var bestBid = rows.Where(l => l.Side == Side.Buy).Select(l => l.Price).DefaultIfEmpty(0).Max();
        var price = bestBid == 0 ? Px(BtcMark) : bestBid + Px(0.1m);

        // the fuzz moved the mark anywhere (flipped price bytes): the feed brings it to that price, so it is inside the band
        await using (var feed = await StartScriptAsync(server, keys, FeedKey, out var feedModel, out var feedContext))
        {
            var mark = feedContext.NextId();
            await SendModeledAsync(feed, feedModel, [
                Frames.Request(new MarkPriceMessage { InstrumentId = Btc, Price = price, RequestId = mark }, 2),
                Frames.Logout(3),
            ]);
            await feed.WaitClosedAsync();
            Verify(feed, feedModel, feedContext);
            Assert.That(feed.ResponsesTo(mark).Single().Type, Is.EqualTo(EventType.Accepted), feed.Describe());
        }

        var sell = makerContext.NextId();
        await SendModeledAsync(maker, makerModel, [
            Frames.Request(new PlaceOrderMessage
            {
                AccountId = Maker, InstrumentId = Btc, ClientOrderId = sell, Price = price, Quantity = Qty(0.001m), Side = Side.Sell,
                OrderType = OrderType.Limit, TimeInForce = TimeInForce.GoodTillCancel,
            }, 4),
            Frames.Logout(5),
        ]);
        await maker.WaitClosedAsync();
        Verify(maker, makerModel, makerContext);
        Assert.That(maker.ResponsesTo(sell).Single().Type, Is.EqualTo(EventType.Accepted), maker.Describe());

        await using var alice = await StartScriptAsync(server, keys, AliceKey, out var aliceModel, out var aliceContext);
        var buy = aliceContext.NextId();
        await SendModeledAsync(alice, aliceModel, [
            Frames.Request(new MassCancelMessage { AccountId = Alice, RequestId = aliceContext.NextId() }, 2),
            Frames.Request(new PlaceOrderMessage
            {
                AccountId = Alice, InstrumentId = Btc, ClientOrderId = buy, Price = price, Quantity = Qty(0.001m), Side = Side.Buy,
                OrderType = OrderType.Limit, TimeInForce = TimeInForce.ImmediateOrCancel,
            }, 3),
            Frames.Logout(4),
        ]);
        await alice.WaitClosedAsync();
        Verify(alice, aliceModel, aliceContext);
        Assert.That(alice.ResponsesTo(buy).Single().Type, Is.EqualTo(EventType.Accepted), alice.Describe());
        Assert.That(alice.Events().Where(e => e.Type == EventType.Fill && e.ClientOrderId == buy).Sum(e => e.Quantity), Is.EqualTo(Qty(0.001m)),
            $"alice's order traded in full; {alice.Describe()}");
    }

    private Task<RawClient> StartScriptAsync(ServerFixture server, IReadOnlyList<AccessKey> keys, string key, out SessionModel model, out FuzzContext context)
    {
        context = new FuzzContext(new Random(0), keys.Single(k => k.Key == key), [], () => Interlocked.Increment(ref _nextId));
        model = new SessionModel(keys);
        var login = Frames.Login(key, 0, 1);
        model.Feed(login);
        return ConnectAndSendAsync(server.Port, login);
    }

    private static async Task<RawClient> ConnectAndSendAsync(int port, byte[] bytes)
    {
        var client = await RawClient.ConnectAsync(port);
        await client.SendBytesAsync(bytes);
        return client;
    }

    private static async Task SendModeledAsync(RawClient client, SessionModel model, IEnumerable<byte[]> frames)
    {
        var bytes = Frames.Concat(frames);
        model.Feed(bytes);
        await client.SendBytesAsync(bytes);
    }
}
