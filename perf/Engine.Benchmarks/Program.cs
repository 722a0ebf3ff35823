using BenchmarkDotNet.Running;
using Engine.Benchmarks.Suite;

// `suite [--quick] [--out DIR]`: the harness's micro suite (run-engine.sh bench micro); anything else: BenchmarkSwitcher
if (args.Length > 0 && args[0] == "suite") return MicroSuite.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
