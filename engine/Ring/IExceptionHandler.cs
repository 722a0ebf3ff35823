namespace Engine.Ring;

/// <summary>What a <see cref="ValueBatchEventProcessor{T, THandler}"/> does after its handler throws.</summary>
public enum ExceptionAction
{
    /// <summary>Record the exception as the processor's fault and stop; the processor's task faults.</summary>
    Halt,

    /// <summary>Treat the event as processed and carry on with the next one.</summary>
    Continue,
}

/// <summary>Decides how a <see cref="ValueBatchEventProcessor{T, THandler}"/> reacts to an exception thrown by its handler.</summary>
/// <typeparam name="T">The event type.</typeparam>
/// <remarks>Threading: called on the processor thread. It must not throw.</remarks>
public interface IExceptionHandler<T>
    where T : struct
{
    /// <summary>Handles an exception thrown while processing <paramref name="sequence"/>.</summary>
    /// <param name="exception">What the handler threw.</param>
    /// <param name="sequence">The sequence being processed when it threw.</param>
    /// <param name="evt">The event at <paramref name="sequence"/>.</param>
    /// <returns>Whether the processor halts or continues.</returns>
    ExceptionAction HandleEventException(Exception exception, long sequence, ref T evt);
}

/// <summary>The default policy: every handler exception halts the processor and faults its task.</summary>
/// <typeparam name="T">The event type.</typeparam>
/// <remarks>Stateless; share freely.</remarks>
public sealed class HaltOnExceptionHandler<T> : IExceptionHandler<T>
    where T : struct
{
    /// <summary>Gets the shared instance.</summary>
    public static HaltOnExceptionHandler<T> Instance { get; } = new();

    /// <inheritdoc />
    public ExceptionAction HandleEventException(Exception exception, long sequence, ref T evt) => ExceptionAction.Halt;
}
