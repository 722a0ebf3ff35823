using System.Globalization;
using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Journal;

namespace Gateway.Host;

/// <summary>
/// <c>run-engine.sh replay &lt;dir&gt; [--verify]</c>: replays a journal offline into a fresh engine and prints the
/// figures and hashes; with <c>--verify</c>, checks every checkpoint the live engine recorded.
/// </summary>
internal static class ReplayTool
{
    public static int Run(string directory, bool verify, TextWriter output)
    {
        if (!Directory.Exists(directory))
        {
            output.WriteLine($"no journal directory '{directory}'");
            return 2;
        }
        // the journal alone (read, CRC, LZ4 decode), to show what share of a replay is the journal's
        var decode = System.Diagnostics.Stopwatch.StartNew();
        long decoded = 0;
        try
        {
            new JournalReader(directory).Read(0, (ref Command _, long _) => decoded++);
        }
        catch (Exception ex) when (ex is JournalCorruptException or JournalFormatException)
        {
            output.WriteLine($"replay refused: {ex.Message}");
            return 3;
        }
        var decodeSeconds = decode.Elapsed.TotalSeconds;
        var sink = new CheckpointSink();
        var logic = new ExchangeLogic(new EngineConfig(), sink);
        ReplayStats stats;
        try
        {
            stats = JournalReplayer.ReplayPipelined(directory, logic, 0, m => output.WriteLine($"journal: {m}"));
        }
        catch (Exception ex) when (ex is JournalCorruptException or JournalFormatException)
        {
            output.WriteLine($"replay refused: {ex.Message}");
            return 3;
        }
        output.WriteLine($"commands replayed  {stats.Commands:N0} (sequences {stats.FirstSequence}..{stats.NextSequence - 1})");
        output.WriteLine($"seconds            {stats.Seconds:F3}");
        output.WriteLine($"commands/s         {stats.CommandsPerSecond:N0}");
        output.WriteLine($"journal alone      {decoded / Math.Max(decodeSeconds, 1e-9):N0} commands/s (read, CRC, LZ4 decode: {decodeSeconds:F3} s)");
        output.WriteLine($"state hash         {logic.StateHash():x16}");
        output.WriteLine($"event hash         {logic.EventHash:x16}");
        if (stats.TornTail is { } tail) output.WriteLine($"torn tail          {tail.File} at {tail.Offset} ({tail.Bytes} bytes): {tail.Reason}");
        if (!verify) return 0;

        var path = Path.Combine(directory, "checkpoints");
        var recorded = File.Exists(path) ? File.ReadAllLines(path) : [];
        var checkedCount = 0;
        var failures = 0;
        foreach (var line in recorded)
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || !long.TryParse(parts[0], out var sequence)) continue; // a torn last line
            if (!sink.Checkpoints.TryGetValue(sequence, out var replayed))
            {
                if (sequence < stats.NextSequence) failures++;
                continue;
            }
            checkedCount++;
            var state = ulong.Parse(parts[1], NumberStyles.HexNumber);
            var events = ulong.Parse(parts[2], NumberStyles.HexNumber);
            if (state != replayed.State || events != replayed.Events)
            {
                failures++;
                output.WriteLine($"checkpoint {sequence}: live {state:x16}/{events:x16}, replay {replayed.State:x16}/{replayed.Events:x16}");
            }
        }
        output.WriteLine($"checkpoints        {checkedCount} verified, {failures} failed");
        return failures == 0 && checkedCount > 0 ? 0 : 1;
    }

    private sealed class CheckpointSink : IEventSink
    {
        public Dictionary<long, (ulong State, ulong Events)> Checkpoints { get; } = new();

        public void Publish(ReadOnlySpan<OutputEvent> events)
        {
            foreach (ref readonly var e in events)
                if (e.Type == EventType.Accepted && e.CommandType == CommandType.Snapshot)
                    Checkpoints[e.InputSequence] = ((ulong)e.OrderId, (ulong)e.MatchId);
        }
    }
}
