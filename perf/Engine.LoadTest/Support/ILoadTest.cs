namespace Engine.LoadTest.Support;

/// <summary>One load test, run by name from the command line.</summary>
public interface ILoadTest
{
    /// <summary>The name given on the command line.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    /// <summary>Cores the test keeps busy; it refuses to run on a machine with fewer.</summary>
    int RequiredProcessorCount { get; }

    /// <summary>Runs the test and prints its report; returns the process exit code (0 passed, 1 FAILED).</summary>
    int Run(LoadTestOptions options);
}
