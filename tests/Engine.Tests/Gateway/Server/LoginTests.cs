using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>The first frame of a connection: the key decides roles, accounts and heartbeat; anything else closes.</summary>
public class LoginTests
{
    private ServerFixture _server = null!;

    [OneTimeSetUp]
    public void StartServer() => _server = ServerFixture.Start();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task ShouldGrantTheKeysRolesAccountsAndHeartbeatWhenTheKeyIsKnown()
    {
        await using var alice = await _server.ConnectAsync();
        var a = await alice.LoginAsync(AliceKey);
        Assert.That(a.Roles, Is.EqualTo(SessionRoles.Trader));
        Assert.That(a.Accounts, Is.EqualTo(new[] { Alice }));
        Assert.That(a.HeartbeatMs, Is.EqualTo(_server.Options.DefaultHeartbeatMs), "0 asks for the server's default");
        Assert.That(a.SessionId, Is.GreaterThan(0));

        await using var desk = await _server.ConnectAsync();
        var d = await desk.LoginAsync(DeskKey, heartbeatMs: 20_000);
        Assert.That(d.Roles, Is.EqualTo(SessionRoles.Trader));
        Assert.That(d.Accounts, Is.EqualTo(new[] { Alice, Bob }));
        Assert.That(d.HeartbeatMs, Is.EqualTo(20_000));

        await using var admin = await _server.ConnectAsync();
        var m = await admin.LoginAsync(AdminKey, heartbeatMs: 50);
        Assert.That(m.Roles, Is.EqualTo(SessionRoles.Admin | SessionRoles.PriceFeed));
        Assert.That(m.Accounts, Is.Empty);
        Assert.That(m.HeartbeatMs, Is.EqualTo(100), "clamped up to 100 ms");

        await using var feed = await _server.ConnectAsync();
        var f = await feed.LoginAsync(FeedKey, heartbeatMs: 100_000);
        Assert.That(f.Roles, Is.EqualTo(SessionRoles.PriceFeed));
        Assert.That(f.HeartbeatMs, Is.EqualTo(60_000), "clamped down to 60 s");

        Assert.That(new[] { a.SessionId, d.SessionId, m.SessionId, f.SessionId }, Is.Unique);
        foreach (var c in new[] { alice, desk, admin, feed })
        {
            Assert.That(c.Frames()[0].Type, Is.EqualTo(MessageType.LoginAccepted), "LoginAccepted is the server's first frame");
            Assert.That(c.Frames()[0].Sequence, Is.EqualTo(1u));
            Assert.That(c.Violation, Is.Null);
        }
        // (the admin session, silent with a 100 ms heartbeat, may be closed by now: HeartbeatTests covers that)
        Assert.That(alice.RemoteClosed || desk.RemoteClosed || feed.RemoteClosed, Is.False);
    }

    [TestCase("no-such-key")]
    [TestCase("ALICE-KEY")]
    [TestCase("alice-key-")]
    public async Task ShouldRefuseAndCloseWhenTheKeyIsWrong(string key)
    {
        await using var client = await _server.ConnectAsync();
        await client.SendLoginAsync(key);
        var error = await client.WaitForErrorAsync();
        await client.WaitClosedAsync();

        Assert.That(error.Code, Is.EqualTo(RejectCode.NotAuthorized));
        Assert.That(error.Closing, Is.True);
        Assert.That(error.RefType, Is.EqualTo(MessageType.Login));
        Assert.That(error.RefSequence, Is.EqualTo(1u));
        Assert.That(client.Frames(), Has.Count.EqualTo(1), "nothing but the error");
        Assert.That(client.Login, Is.Null);
        Assert.That(client.Violation, Is.Null);
    }

    [Test]
    public async Task ShouldRefuseAndCloseWhenARequestComesBeforeTheLogin()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync(BookQuery(requestId: 77));
        var error = await client.WaitForErrorAsync();
        await client.WaitClosedAsync();

        Assert.That(error.Code, Is.EqualTo(RejectCode.NotLoggedIn));
        Assert.That(error.Closing, Is.True);
        Assert.That(error.RefType, Is.EqualTo(MessageType.QueryBook));
        Assert.That(error.RefSequence, Is.EqualTo(1u));
        Assert.That(client.Events(), Is.Empty, "the request never reached the engine");
    }

    [Test]
    public async Task ShouldRefuseAndCloseWhenAHeartbeatComesBeforeTheLogin()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendHeartbeatAsync();
        var error = await client.WaitForErrorAsync();
        await client.WaitClosedAsync();

        Assert.That(error.Code, Is.EqualTo(RejectCode.NotLoggedIn));
        Assert.That(error.Closing, Is.True);
        Assert.That(error.RefType, Is.EqualTo(MessageType.Heartbeat));
    }

    [Test]
    public async Task ShouldRefuseASecondLoginAndCarryOnWhenAlreadyLoggedIn()
    {
        await using var client = await _server.LoginAsync(AliceKey);
        await client.SendLoginAsync(BobKey);
        var error = await client.WaitForErrorAsync();
        Assert.That(error.Code, Is.EqualTo(RejectCode.InvalidField));
        Assert.That(error.Closing, Is.False);
        Assert.That(error.RefType, Is.EqualTo(MessageType.Login));
        Assert.That(error.RefSequence, Is.EqualTo(2u));

        // still alice: bob's account is refused, alice's is served
        await client.SendAsync(AccountQuery(Bob, requestId: 5));
        var refused = await client.WaitForErrorAsync(1);
        Assert.That(refused.Code, Is.EqualTo(RejectCode.NotAuthorized));
        await client.SendAsync(AccountQuery(Alice, requestId: 6));
        var rows = await client.WaitForQueryAsync(6);
        Assert.That(rows.Select(r => r.AccountId), Is.All.EqualTo(Alice));
        Assert.That(client.ResponsesTo(6)[0].SessionId, Is.EqualTo(client.SessionId));
        Assert.That(rows[0].Type, Is.EqualTo(EventType.AccountRisk));
        Assert.That(client.RemoteClosed, Is.False);
    }
}
