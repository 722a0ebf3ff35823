using System.Runtime.InteropServices;

namespace Engine.LoadTest.Bench;

/// <summary>
/// Pins threads to CPUs on Linux (<c>sched_setaffinity</c>), found by the name the runtime gives them in
/// <c>/proc/self/task/*/comm</c>: the harness's <c>--pin</c> option puts the logic thread alone on the last CPU and
/// every other hot thread (producer, journal, publisher) on the others.
/// </summary>
/// <remarks>The engine does not pin its own threads; deployments do it with <c>taskset</c> or cgroups.</remarks>
internal static partial class ThreadPinning
{
    /// <summary>Whether pinning is possible here (Linux with at least 2 CPUs).</summary>
    public static bool Supported => OperatingSystem.IsLinux() && Environment.ProcessorCount >= 2;

    /// <summary>The CPU the logic thread gets: the last one.</summary>
    public static int LogicCpu => Environment.ProcessorCount - 1;

    /// <summary>A mask of every CPU except the logic's.</summary>
    public static ulong OthersMask => AllMask & ~(1UL << LogicCpu);

    /// <summary>A mask of every CPU (up to 64).</summary>
    public static ulong AllMask => Environment.ProcessorCount >= 64 ? ulong.MaxValue : (1UL << Environment.ProcessorCount) - 1;

    /// <summary>Pins the calling thread.</summary>
    public static void PinCurrent(ulong mask) => Set(0, mask);

    /// <summary>Pins every thread of this process whose name starts with <paramref name="prefix"/>; returns how many.</summary>
    public static int PinByName(string prefix, ulong mask)
    {
        var pinned = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string comm;
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }
            if (!comm.StartsWith(prefix, StringComparison.Ordinal)) continue;
            Set(int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture), mask);
            pinned++;
        }
        return pinned;
    }

    private static void Set(int tid, ulong mask)
    {
        if (SchedSetAffinity(tid, sizeof(ulong), ref mask) != 0)
            throw new InvalidOperationException($"sched_setaffinity({tid}, 0x{mask:X}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint cpuSetSize, ref ulong mask);
}
