using Gateway.Host;

var command = args.Length > 0 ? args[0] : "session";
switch (command)
{
    case "session":
        return DemoSession.Run(Console.Out);
    case "help" or "--help" or "-h":
        Console.WriteLine("usage: run-engine.sh [session]");
        Console.WriteLine("  session   (default) start the engine in process and run a scripted trading session, printing every event");
        return 0;
    default:
        Console.Error.WriteLine($"unknown command '{command}'; try: run-engine.sh help");
        return 2;
}
