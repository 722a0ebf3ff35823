using Gateway.Host;
using Journal;

var command = args.Length == 0 || (args[0].StartsWith("--", StringComparison.Ordinal) && args[0] != "--help") ? "serve" : args[0];
switch (command)
{
    case "serve":
        return ServeCommand.Run(args.Length > 0 && args[0] == "serve" ? args[1..] : args, Console.Out);
    case "demo":
        return TcpDemo.Run(Console.Out);
    case "session":
        return DemoSession.Run(Console.Out);
    case "replay" when args.Length >= 2:
        return ReplayTool.Run(args[1], args.Contains("--verify"), Console.Out);
    case "crash-child" when args.Length >= 4:
        var durability = args.Length >= 5 ? Enum.Parse<JournalDurability>(args[4], ignoreCase: true) : JournalDurability.Flush;
        return CrashChild.Run(args[1], int.Parse(args[2]), long.Parse(args[3]), durability, args.Length >= 6 ? int.Parse(args[5]) : 0);
    case "client":
        return ClientCli.Run(args[1..]);
    case "help" or "--help" or "-h":
        Console.WriteLine("usage: run-engine.sh [serve [options] | demo | session | replay <dir> [--verify] | crash-child <dir> <seed> <commands> [none|flush|fsync] [rate] | client ...]");
        Console.WriteLine("  serve         (default) the engine as a TCP server on the embedded configuration; options:");
        Console.WriteLine("                --config file.json  --listen host:port  --data dir  --durability none|flush|fsync  --metrics host:port|off");
        Console.WriteLine("                --wait blocking|sleeping|yielding|spin  --pin-logic CPU|off (Linux: the logic thread alone on that CPU)");
        Console.WriteLine("  demo          self-checking scenario over TCP: isolated vs cross through a BTC shock, then a restart from the journal");
        Console.WriteLine("  session       start the engine in process and run a scripted session, printing every event");
        Console.WriteLine("  replay        replay a journal directory offline: commands, seconds, commands/s, state and event hashes;");
        Console.WriteLine("                --verify checks the checkpoints the live engine recorded");
        Console.WriteLine("  crash-child   recover from <dir>, then journal a deterministic load (used by the crash test)");
        Console.WriteLine("  client        talk to a running gateway: place, cancel, risk, book, watch, ... (run-engine.sh client help)");
        return 0;
    default:
        Console.Error.WriteLine($"unknown command '{command}'; try: run-engine.sh help");
        return 2;
}
