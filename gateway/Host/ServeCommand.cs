using System.Globalization;
using Engine.Gateway.Metrics;
using Engine.Gateway.Server;
using Engine.Gateway.Server.Configuration;

namespace Gateway.Host;

/// <summary>
/// <c>run-engine.sh [serve] [--config file.json] [--listen host:port] [--data dir] [--durability none|flush|fsync] [--metrics host:port|off] [--wait blocking|sleeping|yielding|spin] [--pin-logic CPU|off]</c>:
/// the engine as a TCP server on the embedded default configuration or a JSON file; Ctrl-C stops it cleanly.
/// </summary>
internal static class ServeCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        ServerConfiguration config;
        try
        {
            config = Configure(args);
        }
        catch (Exception e) when (e is ConfigurationException or ArgumentException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        var options = config.ToOptions(line => Console.Error.WriteLine($"[engine] {line}"));
        GatewayServer server;
        try
        {
            server = GatewayServer.Start(options, config.SetupCommands());
        }
        catch (Exception e) when (e is Journal.JournalException or IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: the engine cannot start: {e.Message}");
            return 1;
        }
        PrometheusEndpoint? prometheus = null;
        if (config.MetricsEndpoint() is { } m && server.Metrics != null)
        {
            try
            {
                prometheus = PrometheusEndpoint.Start(server.Metrics, m.Address.ToString(), m.Port);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
            {
                Console.Error.WriteLine($"warning: the metrics endpoint {config.Metrics} cannot start ({e.Message}); running without it");
            }
        }
        output.WriteLine($"engine listening on {options.Address}:{server.Port} (binary protocol v1, docs/protocol.md)");
        output.WriteLine($"threads: {config.Wait} waits, " + (options.LogicCpu is { } cpu ? $"logic thread pinned alone on CPU {cpu}" : "placed by the OS"));
        output.WriteLine(options.DataDirectory == null
            ? "journal: off (nothing survives a restart)"
            : $"journal: {options.DataDirectory} (durability {options.Durability}); " +
              (server.SetupApplied ? "new journal: market set up from the configuration" : $"recovered {server.RecoveredSequence:N0} commands"));
        output.WriteLine(prometheus != null
            ? $"metrics: http://{config.Metrics}/metrics (Prometheus text); dotnet-counters monitor -n engine-host --counters Engine"
            : "metrics: dotnet-counters monitor -n engine-host --counters Engine (Prometheus endpoint off)");
        output.WriteLine($"keys: {string.Join(", ", options.Keys.Select(k => $"{k.Key} ({k.Roles}{(k.Accounts.Count > 0 ? " " + string.Join('/', k.Accounts) : "")})"))}");
        output.WriteLine($"connect: ./run-engine.sh client --key alice-key book 1     (port {server.Port}; Ctrl-C stops the engine)");
        output.Flush();

        using var stop = new ManualResetEventSlim();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Set();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Set();
        });
        stop.Wait();
        Console.CancelKeyPress -= onCancel;
        output.WriteLine("stopping: finishing and journaling what was received...");
        server.StopAsync().GetAwaiter().GetResult();
        prometheus?.Dispose();
        output.WriteLine($"stopped at sequence {server.ProcessedSequence}; state hash {server.Logic.StateHash():x16}");
        return 0;
    }

    private static readonly string[] _options = ["--config", "--listen", "--data", "--durability", "--metrics", "--wait", "--pin-logic"];

    internal static ServerConfiguration Configure(string[] args)
    {
        for (var i = 0; i < args.Length; i += 2)
            if (!_options.Contains(args[i]))
                throw new ArgumentException($"unknown option '{args[i]}' (options: {string.Join(", ", _options)}; see run-engine.sh help)");
        var path = Option(args, "--config");
        var config = path != null ? ServerConfiguration.Load(path) : ServerConfiguration.LoadDefault();
        config.Listen = Option(args, "--listen") ?? config.Listen;
        config.DataDirectory = Option(args, "--data") ?? config.DataDirectory;
        config.Durability = Option(args, "--durability") ?? config.Durability;
        config.Wait = Option(args, "--wait") ?? config.Wait;
        var pin = Option(args, "--pin-logic");
        if (pin != null)
            config.LogicCpu = pin == "off" ? null
                : int.TryParse(pin, NumberStyles.None, CultureInfo.InvariantCulture, out var cpu) ? cpu
                : throw new ArgumentException($"--pin-logic '{pin}' is not a CPU number or off");
        var metrics = Option(args, "--metrics");
        if (metrics != null) config.Metrics = metrics == "off" ? "" : metrics;
        config.Validate("command line");
        return config;
    }

    private static string? Option(string[] args, string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] != name) continue;
            if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
            return args[i + 1];
        }
        return null;
    }
}
