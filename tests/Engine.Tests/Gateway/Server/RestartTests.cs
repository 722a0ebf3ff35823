using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using Engine.Tests.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>A clean stop and a restart on the same journal: nothing that was acknowledged is lost, the state is the same.</summary>
public class RestartTests
{
    private const int Orders = 200;

    [Test]
    public async Task ShouldRecoverEveryAcknowledgedCommandWhenRestartedOnTheSameDirectory()
    {
        var seed = TestSeed.Get(9_400_200);
        var random = new Random(seed);
        using var directory = new JournalDirectory();

        ulong hashBefore;
        long lastAcknowledged;
        var acknowledged = new List<long>();
        var resting = new HashSet<long>();
        await using (var server = ServerFixture.Start(directory))
        {
            Assert.That(server.Server.SetupApplied, Is.True);
            var maker = await server.LoginAsync(MakerKey);
            await maker.SendAsync(Limit(Maker, Side.Sell, 100_000m, 0.05m, clientOrderId: -1));
            Assert.That((await maker.WaitForResponseAsync(-1)).Type, Is.EqualTo(EventType.Accepted));

            // resting buys, a few crossing buys (filled against the maker), a few off-tick prices (rejected); in writes of 1-10
            var alice = await server.LoginAsync(AliceKey);
            var kinds = new Dictionary<long, int>();
            for (var id = 1; id <= Orders;)
            {
                var batch = new List<byte[]>();
                for (var n = random.Next(1, 11); n > 0 && id <= Orders; n--, id++)
                {
                    var kind = random.Next(10);
                    kinds[id] = kind;
                    var price = kind switch
                    {
                        0 => 100_000m,                            // crosses: filled at once (IOC leaves nothing)
                        1 => 99_000.05m,                          // off tick: rejected
                        _ => 96_000m + random.Next(0, 30_000) * 0.1m, // rests
                    };
                    batch.Add(alice.Encode(Limit(Alice, Side.Buy, price, 0.001m, id, tif: kind == 0 ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel)));
                }
                await alice.SendBytesAsync(Frames.Concat(batch));
            }
            await alice.WaitUntilAsync(() => alice.ResponseCount == Orders, "every answer");
            for (var id = 1; id <= Orders; id++)
            {
                var response = alice.ResponsesTo(id).Single();
                acknowledged.Add(response.InputSequence);
                Assert.That(response.Type, Is.EqualTo(kinds[id] == 1 ? EventType.Rejected : EventType.Accepted), ReceivedFrame.Describe(response));
                if (kinds[id] >= 2) resting.Add(response.OrderId);
            }
            lastAcknowledged = acknowledged.Max();
            Assert.That(acknowledged, Is.Unique);
            await server.StopAsync();
            hashBefore = server.Server.Logic.StateHash();
            await alice.WaitClosedAsync();
            var last = alice.Frames()[^1];
            Assert.That(last.IsError && last.Error.Code == RejectCode.Unavailable && last.Error.Closing, Is.True, $"a stopping server says so before closing: {last}");
        }

        await using (var server = ServerFixture.Start(directory))
        {
            Assert.That(server.Server.SetupApplied, Is.False, "the setup is in the journal already");
            Assert.That(server.Server.RecoveredSequence, Is.GreaterThan(lastAcknowledged), "every acknowledged command was recovered");

            // a snapshot first: its response carries the recovered state's hash
            var admin = await server.LoginAsync(AdminKey);
            await admin.SendAsync(new SnapshotMessage { RequestId = 1 });
            var snapshot = await admin.WaitForResponseAsync(1);
            Assert.That(snapshot.InputSequence, Is.EqualTo(server.Server.RecoveredSequence), "numbering continues after the recovered commands");
            Assert.That((ulong)snapshot.OrderId, Is.EqualTo(hashBefore), "the recovered state is the state before the stop");

            var alice = await server.LoginAsync(AliceKey);
            await alice.SendAsync(AccountQuery(Alice, requestId: 2));
            var open = (await alice.WaitForQueryAsync(2)).Where(r => r.Type == EventType.OpenOrder).Select(r => r.OrderId).ToHashSet();
            Assert.That(open, Is.EquivalentTo(resting), "every acknowledged resting order is on the book again");

            await server.StopAsync();
            Assert.That(server.Server.Logic.StateHash(), Is.EqualTo(hashBefore), "queries and snapshots change nothing");
        }
    }
}
