using System.Collections.Concurrent;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Client;
using Engine.Gateway.Protocol;

namespace Gateway.Host;

/// <summary>The command-line client (<c>run-engine.sh client ...</c>): one request per run, human units in and out.</summary>
/// <remarks>Exit codes: 0 accepted, 1 rejected (by the engine or the gateway), 2 usage or connection error.</remarks>
internal static partial class ClientCli
{
    /// <summary>How long consequence events (fills, cancels, liquidations) are awaited after the response.</summary>
    internal static readonly TimeSpan GracePeriod = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan _responseTimeout = TimeSpan.FromSeconds(10);

    public static int Run(string[] args)
    {
        CliInvocation invocation;
        try
        {
            invocation = Parse(args);
        }
        catch (CliUsageException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine("usage: run-engine.sh client [--host H] [--port P] [--key K] <verb> [args]   (verbs: run-engine.sh client help)");
            return 2;
        }
        if (invocation.Verb == "help")
        {
            WriteHelp(Console.Out);
            return 0;
        }
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return ExecuteAsync(invocation, Console.Out, Console.Error, cancel.Token).GetAwaiter().GetResult();
    }

    /// <summary>Connects, sends the request (or watches), prints the outcome; returns the exit code.</summary>
    internal static async Task<int> ExecuteAsync(CliInvocation invocation, TextWriter output, TextWriter error, CancellationToken ct)
    {
        EngineClient client;
        try
        {
            client = await EngineClient.ConnectAsync(invocation.Host, invocation.Port, invocation.Key, null, ct);
        }
        catch (EngineClientException ex) when (ex.Code != RejectCode.None)
        {
            error.WriteLine($"error: login with key '{invocation.Key}' refused: {ex.Code}");
            return 2;
        }
        catch (EngineClientException ex)
        {
            error.WriteLine($"error: {ex.Message} (is the engine running? start it with ./run-engine.sh)");
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 2;
        }

        await using (client)
        {
            if (invocation.Request is null) return await WatchAsync(client, invocation, output, error, ct);

            var events = new ConcurrentQueue<OutputEvent>();
            client.EventReceived += (in OutputEvent e) => events.Enqueue(e);
            EngineResponse response;
            try
            {
                response = await SendAsync(client, invocation.Request, ct).WaitAsync(_responseTimeout, ct);
            }
            catch (EngineClientException ex)
            {
                error.WriteLine($"error: {ex.Message}");
                return 2;
            }
            catch (TimeoutException)
            {
                error.WriteLine($"error: no response within {_responseTimeout.TotalSeconds:0} s");
                return 2;
            }
            catch (OperationCanceledException)
            {
                return 2;
            }

            try
            {
                await Task.Delay(GracePeriod, ct);
            }
            catch (OperationCanceledException)
            {
                // print what arrived
            }
            WriteOutcome(invocation.Verb, response, [.. events], output);
            if (response.GatewayError && response.Code == RejectCode.NotAuthorized && invocation.KeyDefaulted)
                error.WriteLine($"note: '{invocation.Verb}' used the default key {invocation.Key}; pass --key to use another");
            await LogoutQuietlyAsync(client);
            return response.Accepted ? 0 : 1;
        }
    }

    private static Task<EngineResponse> SendAsync(EngineClient client, object request, CancellationToken ct) => request switch
    {
        PlaceOrderMessage m => client.RequestAsync(m, ct),
        CancelOrderMessage m => client.RequestAsync(m, ct),
        ReplaceOrderMessage m => client.RequestAsync(m, ct),
        MassCancelMessage m => client.RequestAsync(m, ct),
        MarkPriceMessage m => client.RequestAsync(m, ct),
        AssetPriceMessage m => client.RequestAsync(m, ct),
        SetLeverageMessage m => client.RequestAsync(m, ct),
        SetMarginModeMessage m => client.RequestAsync(m, ct),
        AdjustIsolatedMarginMessage m => client.RequestAsync(m, ct),
        DepositMessage m => client.RequestAsync(m, ct),
        WithdrawMessage m => client.RequestAsync(m, ct),
        CreateAccountMessage m => client.RequestAsync(m, ct),
        QueryAccountMessage m => client.RequestAsync(m, ct),
        QueryBookMessage m => client.RequestAsync(m, ct),
        SnapshotMessage m => client.RequestAsync(m, ct),
        _ => throw new ArgumentException($"no request for {request.GetType().Name}", nameof(request)),
    };

    private static async Task<int> WatchAsync(EngineClient client, CliInvocation invocation, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var gate = new Lock();
        client.EventReceived += (in OutputEvent e) =>
        {
            var line = EventText.Format(e);
            lock (gate) output.WriteLine(line);
        };
        client.ErrorReceived += e =>
        {
            lock (gate) output.WriteLine($"gateway error {e.Code} (frame {e.RefSequence}, {e.RefType}){(e.Closing ? ", closing" : "")}");
        };
        var accounts = client.Accounts.Count == 0 ? "none" : string.Join(", ", client.Accounts);
        lock (gate) output.WriteLine($"session {client.SessionId} (key {invocation.Key}, accounts {accounts}): watching; Ctrl-C to stop");
        try
        {
            await client.Closed.WaitAsync(ct);
            error.WriteLine("error: the server closed the connection");
            return 2;
        }
        catch (OperationCanceledException)
        {
            await LogoutQuietlyAsync(client);
            return 0;
        }
    }

    private static async Task LogoutQuietlyAsync(EngineClient client)
    {
        try
        {
            await client.LogoutAsync().WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            // closing anyway
        }
    }
}
