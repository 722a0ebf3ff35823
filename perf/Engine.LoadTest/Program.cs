using Engine.LoadTest.Bench;
using Engine.LoadTest.Gateway;
using Engine.LoadTest.Risk;
using Engine.LoadTest.Support;
using Engine.LoadTest.Throughput;

// dotnet run -c Release --project perf/Engine.LoadTest -- <test> [options]
ILoadTest[] tests = [new LogicThreadMixTest(), new MarkTickLatencyTest(), new ShockLiquidationTest(), new GatewayTcpTest(), new TransportComparisonTest(), new BenchTest()];

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Usage();
    return args.Length == 0 ? 2 : 0;
}

var test = Array.Find(tests, t => t.Name == args[0]);
if (test == null)
{
    Console.Error.WriteLine($"unknown test '{args[0]}'");
    Usage();
    return 2;
}

LoadTestOptions options;
try
{
    options = LoadTestOptions.Parse(args.AsSpan(1));
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(e.Message);
    Usage();
    return 2;
}

if (Environment.ProcessorCount < test.RequiredProcessorCount)
{
    Console.Error.WriteLine($"{test.Name} needs {test.RequiredProcessorCount} processors; this machine has {Environment.ProcessorCount}");
    return 2;
}

return test.Run(options);

void Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project perf/Engine.LoadTest -- <test> [--commands N] [--warmup N] [--runs N] [--seed N] [--positions N] [--ticks N] [--scenario ID] [--quick] [--wait W] [--durability D] [--out DIR]");
    foreach (var t in tests) Console.Error.WriteLine($"  {t.Name,-10} {t.Description} (needs {t.RequiredProcessorCount} core)");
}
