using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>Many sessions trading at once, each from its own task: every request answered once, every event routed right.</summary>
[Category("Stress")]
public class ConcurrentClientsTests
{
    private const int Sessions = 32;
    private const int RequestsPerSession = 300;
    private static readonly string[] _traderKeys = [AliceKey, BobKey, CarolKey, MakerKey, DeskKey];

    [Test]
    public async Task ShouldAnswerEveryRequestOnceAndRouteEveryEventToItsOwnersWhenManySessionsTradeAtOnce()
    {
        var seed = TestSeed.Get(7_400_032);
        await using var server = ServerFixture.Start();
        var clients = new RawClient[Sessions];
        var sent = new List<long>[Sessions];
        for (var i = 0; i < Sessions; i++)
        {
            clients[i] = await server.LoginAsync(_traderKeys[i % _traderKeys.Length]);
            sent[i] = [];
        }

        // every session sends its whole flow from its own task, in writes of 1-20 frames, without waiting for answers
        var senders = new Task[Sessions];
        for (var i = 0; i < Sessions; i++)
        {
            var index = i;
            senders[i] = Task.Run(() => SendFlowAsync(clients[index], index, new Random(seed + index), sent[index]));
        }
        await Task.WhenAll(senders);
        for (var i = 0; i < Sessions; i++)
        {
            var c = clients[i];
            var count = sent[i].Count;
            await c.WaitUntilAsync(() => c.ResponseCount >= count, $"{count} responses");
        }
        // fences: a query sent after every answer has arrived is answered after every event of the flows
        for (var i = 0; i < Sessions; i++) await clients[i].SendAsync(BookQuery(requestId: -1));
        for (var i = 0; i < Sessions; i++) await clients[i].WaitForQueryAsync(-1);

        var accountEvents = new Dictionary<int, List<(int Session, List<OutputEvent> Events)>>();
        var fills = new Dictionary<(long MatchId, int Account), OutputEvent>();
        for (var i = 0; i < Sessions; i++)
        {
            var c = clients[i];
            var granted = c.Login!.Value.Accounts;
            var events = c.Events();
            Assert.That(c.Violation, Is.Null, c.Describe());
            Assert.That(c.Errors(), Is.Empty, $"session {c.SessionId}: every request is within its rights");
            Assert.That(events.Select(e => e.InputSequence), Is.Ordered, $"session {c.SessionId}: engine order");

            // exactly one response per request, none for anything else
            Assert.That(c.ResponseCount, Is.EqualTo(sent[i].Count + 1), $"session {c.SessionId}: responses");
            foreach (var id in sent[i])
            {
                var responses = c.ResponsesTo(id);
                Assert.That(responses, Has.Count.EqualTo(1), $"session {c.SessionId}: request {id}");
                Assert.That(responses[0].SessionId, Is.EqualTo(c.SessionId));
            }

            foreach (var e in events)
            {
                if (e.Type is EventType.Fill or EventType.Canceled or EventType.Replaced or EventType.Liquidation)
                    Assert.That(granted, Does.Contain(e.AccountId), $"session {c.SessionId} got an event of account {e.AccountId}: {ReceivedFrame.Describe(e)}");
                else
                    Assert.That(e.SessionId, Is.EqualTo(c.SessionId), $"session {c.SessionId} got another session's answer: {ReceivedFrame.Describe(e)}");
                if (e.Type == EventType.Fill) fills[(e.MatchId, e.AccountId)] = e;
            }
            foreach (var account in granted)
            {
                if (!accountEvents.TryGetValue(account, out var list)) accountEvents[account] = list = [];
                list.Add((c.SessionId, events.Where(e => e.AccountId == account && e.Type is EventType.Fill or EventType.Canceled).ToList()));
            }
        }

        // every session granted an account saw the very same stream of that account's fills and cancels
        foreach (var (account, perSession) in accountEvents)
        {
            var reference = perSession[0].Events.Select(Key).ToList();
            foreach (var (session, list) in perSession.Skip(1))
                Assert.That(list.Select(Key).ToList(), Is.EqualTo(reference), $"account {account}: session {session} vs session {perSession[0].Session}");
        }
        // every trade shows up as a taker fill and a maker fill (self-trades are prevented, so the accounts differ)
        foreach (var group in fills.Values.GroupBy(f => f.MatchId))
        {
            var sides = group.ToList();
            Assert.That(sides, Has.Count.EqualTo(2), $"match {group.Key}");
            Assert.That(sides.Count(f => (f.Flags & EventFlags.Maker) != 0), Is.EqualTo(1), $"match {group.Key}: one maker");
            Assert.That(sides[0].Quantity, Is.EqualTo(sides[1].Quantity));
            Assert.That(sides[0].InputSequence, Is.EqualTo(sides[1].InputSequence));
        }
        TestContext.Out.WriteLine($"{sent.Sum(s => s.Count)} requests, {fills.Count / 2} trades");
        Assert.That(fills, Is.Not.Empty, "the flows cross");

        await server.StopAsync();
        var logic = server.Server.Logic;
        Assert.That(logic.ValidateInvariants(), Is.Null);
        Assert.That(logic.CommandsProcessed, Is.EqualTo(server.Setup.Count + sent.Sum(s => s.Count) + Sessions),
            "the engine processed the setup, every request and every fence, nothing else");
    }

    private static (long, EventType, long, long, long) Key(OutputEvent e) => (e.InputSequence, e.Type, e.OrderId, e.MatchId, e.Quantity);

    private static async Task SendFlowAsync(RawClient client, int index, Random random, List<long> sent)
    {
        var accounts = client.Login!.Value.Accounts;
        var orders = new List<(long Id, int Account)>();
        var n = 0;
        while (n < RequestsPerSession)
        {
            var frames = new List<byte[]>();
            var batch = Math.Min(random.Next(1, 21), RequestsPerSession - n);
            for (var k = 0; k < batch; k++, n++)
            {
                var id = index * 1_000_000L + n;
                var account = accounts[random.Next(accounts.Count)];
                var roll = random.Next(100);
                if (roll < 85)
                {
                    var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                    var price = BtcMark + random.Next(-200, 201) * 0.1m;
                    var order = Limit(account, side, price, random.Next(1, 6) * 0.001m, id,
                        tif: random.Next(4) == 0 ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel);
                    frames.Add(client.Encode(order));
                    orders.Add((id, account));
                }
                else if (roll < 92)
                {
                    // cancel one of its own earlier orders when its id is known, else a guess (refused by the engine)
                    var (earlierId, earlierAccount) = orders.Count > 0 ? orders[random.Next(orders.Count)] : (-1, account);
                    var earlier = client.ResponsesTo(earlierId);
                    var known = earlier.Count == 1 && earlier[0].Type == EventType.Accepted;
                    frames.Add(client.Encode(Cancel(known ? earlierAccount : account, known ? earlier[0].OrderId : random.Next(1, 5000), id)));
                }
                else if (roll < 96)
                {
                    frames.Add(client.Encode(BookQuery(id, depth: random.Next(1, 6))));
                }
                else
                {
                    frames.Add(client.Encode(AccountQuery(account, id)));
                }
                sent.Add(id);
            }
            await client.SendBytesAsync(Frames.Concat(frames));
            if (random.Next(4) == 0) await Task.Yield();
        }
    }
}
