using System.Net;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Client;
using Engine.Gateway.Server;
using Engine.Gateway.Server.Configuration;

namespace Gateway.Host;

/// <summary>
/// <c>run-engine.sh demo</c>: a self-checking scenario over real TCP. The engine runs as a server (embedded default
/// configuration, a fresh journal in a temporary directory); clients log in with the configuration's keys, put the
/// same portfolio on an isolated account (alice, 1) and a cross account (bob, 2), shock BTC by −25% from the price
/// feed, print both side by side, then restart the server from its journal and check that the state hash and every
/// account answer are the same. Exit code 0 when every check holds, 1 otherwise.
/// </summary>
internal static class TcpDemo
{
    private const int Btc = 1;
    private const int Eth = 2;
    private const int Isolated = 1;
    private const int Cross = 2;
    private const int Maker = 10;

    public static int Run(TextWriter output) => RunAsync(output).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(TextWriter output)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"engine-demo-{Environment.ProcessId}");
        var failures = new List<string>();
        void Check(bool condition, string what)
        {
            output.WriteLine($"  {(condition ? "ok  " : "FAIL")} {what}");
            if (!condition) failures.Add(what);
        }
        try
        {
            var config = ServerConfiguration.LoadDefault();
            config.DataDirectory = directory;
            var server = Start(config);
            output.WriteLine($"engine listening on 127.0.0.1:{server.Port}, journal {directory} (durability flush)");

            await using var admin = await EngineClient.ConnectAsync("127.0.0.1", server.Port, "admin-key");
            await using var feed = await EngineClient.ConnectAsync("127.0.0.1", server.Port, "feed-key");
            await using var maker = await EngineClient.ConnectAsync("127.0.0.1", server.Port, "maker-key");
            await using var alice = await EngineClient.ConnectAsync("127.0.0.1", server.Port, "alice-key");
            await using var bob = await EngineClient.ConnectAsync("127.0.0.1", server.Port, "bob-key");
            output.WriteLine($"logged in over TCP: admin (session {admin.SessionId}), feed ({feed.SessionId}), maker ({maker.SessionId}), " +
                             $"alice ({alice.SessionId}, isolated), bob ({bob.SessionId}, cross)");
            var makerFills = 0;
            maker.EventReceived += (in OutputEvent e) =>
            {
                if (e.Type == EventType.Fill) Interlocked.Increment(ref makerFills);
            };
            var liquidationLines = new List<string>();
            foreach (var (client, name) in new[] { (alice, "alice"), (bob, "bob") })
                client.EventReceived += (in OutputEvent e) =>
                {
                    if (e.Type == EventType.Liquidation || (e.Type == EventType.Fill && (e.Flags & EventFlags.Liquidation) != 0))
                        lock (liquidationLines) liquidationLines.Add($"    {name,-6}{EventText.Format(e)}");
                };

            output.WriteLine();
            output.WriteLine("1. the same portfolio on both accounts: 25,000 USD, long 1 BTC at 100,000 and short 30 ETH at 3,000, 10x");
            foreach (var account in new[] { Isolated, Cross })
                Must(await admin.WithdrawAsync(account, 0, Money(75_000)), "withdraw to 25,000");
            foreach (var (client, account, mode) in new[] { (alice, Isolated, MarginMode.Isolated), (bob, Cross, MarginMode.Cross) })
                foreach (var instrument in new[] { Btc, Eth })
                {
                    Must(await client.SetMarginModeAsync(account, instrument, mode), "margin mode");
                    Must(await client.SetLeverageAsync(account, instrument, 10), "leverage");
                }
            Must(await maker.PlaceOrderAsync(Maker, Btc, Side.Sell, Qty(2), Price(100_000)), "maker BTC offer");
            Must(await maker.PlaceOrderAsync(Maker, Eth, Side.Buy, Qty(60), Price(3_000)), "maker ETH bid");
            foreach (var (client, account) in new[] { (alice, Isolated), (bob, Cross) })
            {
                Must(await client.PlaceOrderAsync(account, Btc, Side.Buy, Qty(1), Price(100_000)), "buy BTC");
                Must(await client.PlaceOrderAsync(account, Eth, Side.Sell, Qty(30), Price(3_000)), "sell ETH");
            }
            var before = new[] { await alice.QueryAccountAsync(Isolated), await bob.QueryAccountAsync(Cross) };
            await WaitAsync(() => Volatile.Read(ref makerFills) >= 4);
            Check(Volatile.Read(ref makerFills) == 4, $"the maker's session saw its side of all 4 trades ({makerFills} fills)");

            output.WriteLine();
            output.WriteLine("2. the price feed marks BTC at 75,000 (−25%)");
            Must(await feed.MarkPriceAsync(Btc, Price(75_000)), "mark price");
            var after = new[] { await alice.QueryAccountAsync(Isolated), await bob.QueryAccountAsync(Cross) };
            lock (liquidationLines)
            {
                output.WriteLine($"  liquidation events received by the two accounts' sessions ({liquidationLines.Count}):");
                foreach (var line in liquidationLines) output.WriteLine(line);
            }
            output.WriteLine();
            output.WriteLine($"  {"",-10}{"isolated (alice, account 1)",-44}{"cross (bob, account 2)",-44}");
            output.WriteLine($"  {"before",-10}{Summary(before[0]),-44}{Summary(before[1]),-44}");
            output.WriteLine($"  {"after",-10}{Summary(after[0]),-44}{Summary(after[1]),-44}");
            output.WriteLine();
            Check(Legs(before[0]) == "+1 BTC -30 ETH" && Legs(before[1]) == "+1 BTC -30 ETH", "both accounts held the same portfolio before the shock");
            Check(Legs(after[0]) == "-30 ETH", "isolated: the BTC position was liquidated, the ETH position untouched");
            Check(Legs(after[1]) == "flat", "cross: the whole account was liquidated");
            Check(Equity(before[0]) == Equity(before[1]), $"both were worth the same before the shock ({EventText.Money(Equity(before[0]))})");
            Check(Equity(after[0]) > 0 && Equity(after[0]) > Equity(after[1]),
                $"isolated kept more value ({EventText.Money(Equity(after[0]))}) than cross ({EventText.Money(Equity(after[1]))})");

            output.WriteLine();
            output.WriteLine("3. restart from the journal");
            var snapshot = await admin.SnapshotAsync();
            Must(snapshot, "snapshot");
            var hashBefore = (ulong)snapshot.Event.OrderId;
            var accountsBefore = new[] { await alice.QueryAccountAsync(Isolated), await bob.QueryAccountAsync(Cross) };
            foreach (var c in new[] { admin, feed, maker, alice, bob }) await c.LogoutAsync();
            await server.StopAsync();
            var stoppedHash = server.Logic.StateHash();
            output.WriteLine($"  stopped at sequence {server.ProcessedSequence}, state hash {stoppedHash:x16}");

            server = Start(config);
            output.WriteLine($"  restarted: recovered {server.RecoveredSequence} commands from the journal and snapshot");
            await using var admin2 = await EngineClient.ConnectAsync("127.0.0.1", server.Port, "admin-key");
            var accountsAfter = new[] { await admin2.QueryAccountAsync(Isolated), await admin2.QueryAccountAsync(Cross) };
            var snapshot2 = await admin2.SnapshotAsync();
            Must(snapshot2, "snapshot after restart");
            await admin2.LogoutAsync();
            await server.StopAsync();
            var recoveredHash = server.Logic.StateHash();
            output.WriteLine($"  state hash after restart {recoveredHash:x16}");
            Check(!server.SetupApplied && server.RecoveredSequence > 0, "the restarted engine recovered instead of setting up again");
            Check(recoveredHash == stoppedHash, "the state hash after the restart equals the one at shutdown");
            Check((ulong)snapshot2.Event.OrderId == hashBefore, "the snapshot command reports the same state hash before and after the restart");
            for (var i = 0; i < 2; i++)
                Check(SameRows(accountsBefore[i], accountsAfter[i]), $"account {i + 1}'s risk, balances and positions answer the same after the restart");
        }
        catch (Exception e) when (e is EngineClientException or IOException or InvalidOperationException or TimeoutException)
        {
            failures.Add(e.Message);
            output.WriteLine($"  FAIL {e.Message}");
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        output.WriteLine();
        output.WriteLine(failures.Count == 0 ? "demo passed: every check holds" : $"demo FAILED: {failures.Count} check(s) did not hold");
        return failures.Count == 0 ? 0 : 1;
    }

    private static GatewayServer Start(ServerConfiguration config)
    {
        var options = config.ToOptions();
        return GatewayServer.Start(new ServerOptions
        {
            Address = IPAddress.Loopback,
            Port = 0,
            Keys = options.Keys,
            DataDirectory = options.DataDirectory,
            Durability = options.Durability,
        }, config.SetupCommands());
    }

    private static void Must(EngineResponse response, string what)
    {
        if (!response.Accepted) throw new InvalidOperationException($"{what}: refused with {response.Code}");
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(10);
    }

    private static string Legs(EngineResponse account)
    {
        var legs = account.Rows.Where(r => r.Type == EventType.Position).OrderBy(r => r.InstrumentId)
            .Select(r => $"{(r.Side == Side.Buy ? "+" : "-")}{EventText.Quantity(r.Quantity)} {(r.InstrumentId == Btc ? "BTC" : "ETH")}").ToList();
        return legs.Count == 0 ? "flat" : string.Join(" ", legs);
    }

    /// <summary>What the account is worth: cross equity plus, per isolated position, its margin and unrealized PnL.</summary>
    private static long Equity(EngineResponse account)
    {
        var value = account.Rows.First(r => r.Type == EventType.AccountRisk).Equity;
        for (var i = 0; i + 1 < account.Rows.Count; i++)
        {
            var row = account.Rows[i];
            if (row.Type != EventType.Position || row.Code != (ushort)MarginMode.Isolated) continue;
            value += row.Available + account.Rows[i + 1].LeavesQuantity; // uPnL + isolated margin (the PositionPrices row follows)
        }
        return value;
    }

    private static string Summary(EngineResponse account) => $"value {EventText.Money(Equity(account))}, {Legs(account)}";

    private static bool SameRows(EngineResponse a, EngineResponse b)
    {
        if (a.Rows.Count != b.Rows.Count) return false;
        for (var i = 0; i < a.Rows.Count; i++)
        {
            OutputEvent x = a.Rows[i], y = b.Rows[i];
            if (x.Type == EventType.OpenOrder) continue; // none are open here; their session ids would differ anyway
            x.InputSequence = y.InputSequence = 0;
            x.Time = y.Time = 0;
            x.SessionId = y.SessionId = 0;
            x.ClientOrderId = y.ClientOrderId = 0;
            if (!x.Equals(y)) return false;
        }
        return true;
    }

    private static long Price(decimal p) => (long)(p * FixedPoint.PriceScale);

    private static long Qty(decimal q) => (long)(q * FixedPoint.QuantityScale);

    private static long Money(decimal m) => (long)(m * FixedPoint.MoneyScale);

}
