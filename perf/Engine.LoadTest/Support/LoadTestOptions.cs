using System.Globalization;

namespace Engine.LoadTest.Support;

/// <summary>Command-line options shared by the load tests.</summary>
public sealed class LoadTestOptions
{
    /// <summary>Measured commands.</summary>
    public int Commands { get; private set; } = 3_000_000;
    /// <summary>Commands of each warm-up pass.</summary>
    public int WarmupCommands { get; private set; } = 1_000_000;
    /// <summary>Timed throughput passes (each on a fresh engine).</summary>
    public int Runs { get; private set; } = 3;
    /// <summary>Generator seed.</summary>
    public int Seed { get; private set; } = new MixOptions().Seed;
    /// <summary>A short run for a smoke check: fewer commands, one throughput pass.</summary>
    public bool Quick { get; private set; }
    /// <summary>Risk tests: open positions to build (null: the test's default).</summary>
    public int? Positions { get; private set; }
    /// <summary>Risk tests: measured mark-price ticks per window (null: the test's default).</summary>
    public int? Ticks { get; private set; }
    /// <summary>Risk tests: run only the scenario with this id (null: all).</summary>
    public string? Scenario { get; private set; }

    /// <summary>TCP test: journal durability (none, flush, fsync).</summary>
    public string Durability { get; private set; } = "flush";
    /// <summary>Bench: wait strategy of the pipeline's publishing thread (null: the same as <see cref="Wait"/>).</summary>
    public string? PublisherWait { get; private set; }

    /// <summary>Bench: input ring slots of the pipeline (the output ring gets twice as many); null: the engine's default.</summary>
    public int? Ring { get; private set; }

    /// <summary>Bench: the pipeline's thread layout (two: journal then publish; three: journal beside the logic).</summary>
    public string Layout { get; private set; } = "two";

    /// <summary>Gets a value indicating whether the pipeline's logic thread runs alone on the last CPU, the other hot threads on the rest (<c>--pin</c>, Linux).</summary>
    public bool Pin { get; private set; }

    /// <summary>Gets a value indicating whether the journal stores its batches uncompressed (<c>--journal-raw</c>: no LZ4, about 2.9× the bytes).</summary>
    public bool JournalRaw { get; private set; }

    /// <summary>Bench: the directory results are written to (null: perf/results of the repository).</summary>
    public string? Out { get; private set; }

    /// <summary>TCP test: wait strategy of the engine's threads (blocking, sleeping, yielding, spin).</summary>
    public string Wait { get; private set; } = "blocking";

    /// <summary>Parses <c>[--commands N] [--warmup N] [--runs N] [--seed N] [--positions N] [--ticks N] [--scenario ID | ID] [--quick] [--wait W] [--durability D] [--out DIR]</c>; throws on anything else.</summary>
    public static LoadTestOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new LoadTestOptions();
        int? commands = null, warmup = null, runs = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": o.Quick = true; break;
                case "--commands": commands = ParseCount(args, ref i); break;
                case "--warmup": warmup = ParseCount(args, ref i); break;
                case "--runs": runs = ParseCount(args, ref i); break;
                case "--seed": o.Seed = ParseCount(args, ref i); break;
                case "--positions": o.Positions = ParseCount(args, ref i); break;
                case "--ticks": o.Ticks = ParseCount(args, ref i); break;
                case "--scenario": o.Scenario = ParseText(args, ref i); break;
                case "--durability": o.Durability = ParseText(args, ref i); break;
                case "--wait": o.Wait = ParseText(args, ref i); break;
                case "--publisher-wait": o.PublisherWait = ParseText(args, ref i); break;
                case "--ring": o.Ring = ParseCount(args, ref i); break;
                case "--layout": o.Layout = ParseText(args, ref i); break;
                case "--pin": o.Pin = true; break;
                case "--journal-raw": o.JournalRaw = true; break;
                case "--out": o.Out = ParseText(args, ref i); break;
                case var positional when !positional.StartsWith('-') && o.Scenario == null: o.Scenario = positional; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (o.Quick)
        {
            o.Commands = 300_000;
            o.WarmupCommands = 300_000;
            o.Runs = 1;
        }
        o.Commands = commands ?? o.Commands;
        o.WarmupCommands = Math.Min(warmup ?? o.WarmupCommands, o.Commands);
        o.Runs = Math.Max(1, runs ?? o.Runs);
        if (o.Commands < 1) throw new ArgumentException("--commands must be positive");
        if (o.Positions is < 1000) throw new ArgumentException("--positions must be at least 1000");
        if (o.Ticks is < 1) throw new ArgumentException("--ticks must be positive");
        return o;
    }

    private static string ParseText(ReadOnlySpan<string> args, ref int i)
    {
        if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value");
        return args[++i];
    }

    private static int ParseCount(ReadOnlySpan<string> args, ref int i)
    {
        if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value");
        var text = args[++i].Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        var scale = 1;
        if (text.EndsWith('k') || text.EndsWith('K')) (scale, text) = (1_000, text[..^1]);
        else if (text.EndsWith('m') || text.EndsWith('M')) (scale, text) = (1_000_000, text[..^1]);
        return checked(int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) * scale);
    }
}
