using System.Runtime;
using System.Runtime.InteropServices;

namespace Engine.LoadTest.Support;

/// <summary>What the report says about the machine and the runtime it ran on.</summary>
public static class MachineInfo
{
    /// <summary>The CPU model from /proc/cpuinfo ("model name"), or what the OS reports elsewhere.</summary>
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (!line.StartsWith("model name", StringComparison.Ordinal)) continue;
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon >= 0) return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // fall through
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>Lines describing the machine, the runtime and the date, for the top of a report.</summary>
    public static IEnumerable<string> Describe()
    {
        yield return $"date (UTC)        {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}";
        yield return $"machine           {Environment.MachineName}, {RuntimeInformation.OSDescription}";
        yield return $"CPU               {CpuModel()}";
        yield return $"processors        {Environment.ProcessorCount} (Environment.ProcessorCount)";
        yield return $"runtime           {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})";
        yield return $"GC                {(GCSettings.IsServerGC ? "server" : "workstation")}, " +
            $"concurrent={AppContext.GetData("System.GC.Concurrent") ?? "default"}, latency mode {GCSettings.LatencyMode}";
        yield return $"JIT               TieredCompilation={AppContext.GetData("System.Runtime.TieredCompilation") ?? "default"}, " +
            $"TieredPGO={AppContext.GetData("System.Runtime.TieredPGO") ?? "default"}";
        yield return $"timer             Stopwatch.Frequency {System.Diagnostics.Stopwatch.Frequency:N0} Hz, high resolution {System.Diagnostics.Stopwatch.IsHighResolution}" +
            (File.Exists("/sys/devices/system/clocksource/clocksource0/current_clocksource")
                ? $", clocksource {File.ReadAllText("/sys/devices/system/clocksource/clocksource0/current_clocksource").Trim()}"
                : "");
    }
}
