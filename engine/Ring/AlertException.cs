namespace Engine.Ring;

/// <summary>
/// Thrown by <see cref="SequenceBarrier"/> when it has been alerted, to unwind a waiting consumer.
/// A single pre-allocated instance is reused so that halting never allocates an exception object.
/// </summary>
internal sealed class AlertException : Exception
{
    /// <summary>The shared instance; never create another.</summary>
    public static readonly AlertException Instance = new();

    private AlertException()
        : base("The sequence barrier was alerted.")
    {
    }
}
