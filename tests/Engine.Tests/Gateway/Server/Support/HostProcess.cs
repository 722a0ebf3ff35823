using System.Collections.Concurrent;
using System.Diagnostics;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>
/// <c>dotnet engine-host.dll serve</c> as a child process on a free loopback port: the real server, killable with
/// SIGKILL. Every instance is killed on <see cref="Dispose"/>, and any still running when the test process exits.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private const string ListeningPrefix = "engine listening on ";
    private const int OutputLines = 200;

    // children not disposed yet: a test process that exits (even after a failed or aborted test) takes them along
    private static readonly ConcurrentDictionary<HostProcess, bool> _running = new();

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    static HostProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var host in _running.Keys) host.KillQuietly();
    };

    private HostProcess(string dll, string dataDirectory, string durability)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "serve", "--listen", "127.0.0.1:0", "--data", dataDirectory, "--durability", durability, "--metrics", "off" })
            info.ArgumentList.Add(a);
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _port.TrySetException(new InvalidOperationException($"the host exited ({ExitCodeText()}) before listening"));
        _process.Start();
        _running[this] = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The host's process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the host printed (stdout and stderr, interleaved as they arrived).</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>The engine-host.dll built beside the tests (the test project references the host).</summary>
    public static string HostDll()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "engine-host.dll");
        Assert.That(File.Exists(dll), Is.True, $"the host is built beside the tests ({dll})");
        return dll;
    }

    /// <summary>Starts <c>serve --listen 127.0.0.1:0 --data <paramref name="dataDirectory"/> --durability <paramref name="durability"/> --metrics off</c>.</summary>
    public static HostProcess Start(string dll, string dataDirectory, string durability) => new(dll, dataDirectory, durability);

    /// <summary>The port from the host's "engine listening on" line; the timeout only detects a hang.</summary>
    public async Task<int> WaitListeningAsync(TimeSpan timeout)
    {
        try
        {
            return await _port.Task.WaitAsync(timeout);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            if (_process.HasExited) _process.WaitForExit(); // drains the rest of its output
            throw new AssertionException($"the host did not start listening: {e.Message}\n{OutputText()}");
        }
    }

    /// <summary>SIGKILL (Process.Kill is SIGKILL on Linux: no flush, no shutdown hook), then waits until the process is gone
    /// and its output is drained.</summary>
    public void Kill()
    {
        KillQuietly();
        _process.WaitForExit(); // also drains its output
    }

    /// <summary>SIGKILL at once, without waiting (callable from a client's receive loop, the moment an answer arrives); the
    /// host runs in the one process the muxer started, so no descendant is left. <see cref="Kill"/> then waits for the end.</summary>
    public void KillNow()
    {
        try
        {
            _process.Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // already gone (or disposed: the run is over)
        }
    }

    /// <summary>The host's output, for a failure message.</summary>
    public string OutputText() => string.Join('\n', _output.Select(l => "  host: " + l));

    /// <summary>Kills the process if it still runs.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        KillQuietly();
        _running.TryRemove(this, out _);
        _process.Dispose();
    }

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // already gone
        }
    }

    private void OnLine(string? line)
    {
        if (line == null) return;
        _output.Enqueue(line);
        while (_output.Count > OutputLines) _output.TryDequeue(out _);
        var at = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
        if (at < 0) return;
        var endpoint = line.AsSpan(at + ListeningPrefix.Length);
        var space = endpoint.IndexOf(' ');
        if (space >= 0) endpoint = endpoint[..space];
        var colon = endpoint.LastIndexOf(':');
        if (colon >= 0 && int.TryParse(endpoint[(colon + 1)..], out var port)) _port.TrySetResult(port);
        else _port.TrySetException(new InvalidOperationException($"cannot read the port of '{line}'"));
    }

    private string ExitCodeText()
    {
        try
        {
            return $"exit code {_process.ExitCode}";
        }
        catch (InvalidOperationException)
        {
            return "exit code unknown";
        }
    }
}
