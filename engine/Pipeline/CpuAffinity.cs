using System.Runtime.InteropServices;

namespace Engine.Pipeline;

/// <summary>
/// Pins the calling thread to a set of CPUs (Linux <c>sched_setaffinity</c>): how the pipeline gives its logic
/// thread a core of its own (<see cref="PipelineOptions.LogicCpu"/>).
/// </summary>
/// <remarks>
/// A thread's own affinity may include CPUs outside the mask the process started with, so an operator can start the
/// host under <c>taskset -c 0</c> and still pin the logic thread alone on CPU 1. Masks cover CPUs 0 to 63.
/// </remarks>
public static partial class CpuAffinity
{
    /// <summary>Gets a value indicating whether pinning works here (Linux).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Gets the mask of every CPU of the machine (up to 64).</summary>
    public static ulong AllCpus => Environment.ProcessorCount >= 64 ? ulong.MaxValue : (1UL << Environment.ProcessorCount) - 1;

    /// <summary>The mask of one CPU.</summary>
    /// <param name="cpu">0 to 63.</param>
    public static ulong Only(int cpu) => 1UL << cpu;

    /// <summary>The mask of every CPU but <paramref name="cpu"/>.</summary>
    /// <param name="cpu">0 to 63.</param>
    public static ulong AllBut(int cpu) => AllCpus & ~(1UL << cpu);

    /// <summary>Checks that <paramref name="cpu"/> can be given to one thread alone; returns why not, or null.</summary>
    /// <param name="cpu">The CPU.</param>
    public static string? CheckDedicated(int cpu)
    {
        if (!IsSupported) return "pinning the logic thread needs Linux";
        if (Environment.ProcessorCount < 2) return "pinning the logic thread needs at least 2 CPUs";
        if (cpu < 0 || cpu >= Math.Min(64, Environment.ProcessorCount))
            return $"CPU {cpu} does not exist (this machine has CPUs 0 to {Math.Min(64, Environment.ProcessorCount) - 1})";
        return null;
    }

    /// <summary>Pins the calling thread to <paramref name="mask"/>.</summary>
    /// <param name="mask">Bit i set: CPU i allowed.</param>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    /// <exception cref="InvalidOperationException">The kernel refused the mask (for instance, CPUs outside the cgroup).</exception>
    public static void PinCurrentThread(ulong mask)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("thread pinning needs Linux");
        if (SchedSetAffinity(0, sizeof(ulong), ref mask) != 0)
            throw new InvalidOperationException($"sched_setaffinity(0x{mask:X}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint cpuSetSize, ref ulong mask);
}
