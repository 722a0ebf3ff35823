namespace Engine.Tests.Gateway.Server.Support;

/// <summary>When, in a run of the TCP crash test, the host gets its SIGKILL (always after a seeded number of answers).</summary>
public enum KillMode
{
    /// <summary>On the client's receive loop, the instant the chosen answer has been recorded: where a result released ahead of
    /// the journal would be most exposed.</summary>
    OnAnswer,

    /// <summary>From the test, a random fraction of a millisecond to ten milliseconds after the chosen answer: anywhere in a
    /// round trip, requests in flight.</summary>
    AfterDelay,

    /// <summary>After the chosen answer, the instant the next snapshot file appears (an admin asks for snapshots during the
    /// load): the logic writes it without waiting for the journal, which may not have caught up yet.</summary>
    OnSnapshotFile,
}
