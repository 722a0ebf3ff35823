namespace Engine.Tests.Gateway.Server.Support;

/// <summary>
/// Counts the answers the traders receive in one run and kills the host per its <see cref="KillMode"/>: on the chosen answer,
/// or on the first snapshot file that appears after it. <see cref="KillMode.AfterDelay"/> is left to the test.
/// </summary>
public sealed class KillSwitch : IDisposable
{
    private readonly HostProcess _host;
    private readonly KillMode _mode;
    private readonly int _at;
    private readonly FileSystemWatcher? _watcher;
    private readonly TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answers;
    private int _fired;

    /// <param name="host">The host to kill.</param>
    /// <param name="dataDirectory">Its data directory (watched for snapshot files in <see cref="KillMode.OnSnapshotFile"/>).</param>
    /// <param name="mode">When to kill.</param>
    /// <param name="at">The answer of the run the kill waits for.</param>
    public KillSwitch(HostProcess host, string dataDirectory, KillMode mode, int at)
    {
        _host = host;
        _mode = mode;
        _at = at;
        if (mode != KillMode.OnSnapshotFile) return;
        // the store writes snapshot-N.snap.tmp and renames it: the file appears under its final name in one step
        var watcher = new FileSystemWatcher(dataDirectory, "snapshot-*.snap") { NotifyFilter = NotifyFilters.FileName };
        watcher.Renamed += (_, _) => OnSnapshotFile();
        watcher.Created += (_, _) => OnSnapshotFile();
        try
        {
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (IOException)
        {
            // out of inotify instances on a crowded machine: the fallback kill still comes
            watcher.Dispose();
        }
    }

    /// <summary>Answers counted so far.</summary>
    public int Answers => Volatile.Read(ref _answers);

    /// <summary>Completes at the chosen answer in <see cref="KillMode.OnSnapshotFile"/>: the admin then asks for the snapshot
    /// whose file the kill waits for.</summary>
    public Task Armed => _armed.Task;

    /// <summary>True once this switch has sent the SIGKILL.</summary>
    public bool Fired => Volatile.Read(ref _fired) != 0;

    /// <summary>True when no snapshot file appeared before twice as many answers again, and the switch killed anyway (a
    /// fallback that only keeps the run from waiting for nothing).</summary>
    public bool FellBack { get; private set; }

    /// <summary>Given to every trader: called on its receive loop after each answer has been recorded.</summary>
    public void OnAnswer()
    {
        var n = Interlocked.Increment(ref _answers);
        if (n == _at)
        {
            if (_mode == KillMode.OnAnswer) Fire();
            else if (_mode == KillMode.OnSnapshotFile) _armed.TrySetResult();
        }
        else if (n == 3 * _at && _mode == KillMode.OnSnapshotFile && !Fired)
        {
            FellBack = true;
            Fire();
        }
    }

    public void Dispose() => _watcher?.Dispose();

    private void OnSnapshotFile()
    {
        if (_armed.Task.IsCompleted) Fire();
    }

    private void Fire()
    {
        if (Interlocked.Exchange(ref _fired, 1) == 0) _host.KillNow();
    }
}
