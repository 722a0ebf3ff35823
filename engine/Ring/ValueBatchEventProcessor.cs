using System.Reflection;
using System.Runtime.ExceptionServices;
using Engine.Util;

namespace Engine.Ring;

/// <summary>
/// Runs an <see cref="IValueEventHandler{T}"/> over a <see cref="ValueRingBuffer{T}"/>: waits on its barrier,
/// hands every available event to the handler in batches and advances its <see cref="Sequence"/>.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
/// <typeparam name="THandler">The handler type; generic so that the JIT can devirtualize and inline its calls.</typeparam>
/// <remarks>
/// <para>
/// Threading: <see cref="Run"/> runs the loop on the calling thread; <see cref="Start"/> runs it on a new
/// dedicated background thread. <see cref="Halt"/> may be called from any thread; the loop exits after finishing
/// the batch in progress. A handler exception goes to the <see cref="IExceptionHandler{T}"/>; when it decides to
/// halt (the default), the exception is stored in <see cref="Fault"/>, passed to <see cref="OnFault"/>, rethrown by
/// <see cref="Run"/> and faults the task returned by <see cref="Start"/>, so a failing handler never leaves a silent
/// dead thread.
/// </para>
/// <para>Allocation: none per event or batch; <see cref="Start"/> allocates the thread and its task.</para>
/// </remarks>
public sealed class ValueBatchEventProcessor<T, THandler>
    where T : struct
    where THandler : IValueEventHandler<T>
{
    private const int StateIdle = 0;
    private const int StateHalted = 1;
    private const int StateRunning = 2;

    // A struct handler that does not override a default interface method would be boxed on every call to it
    // (the default body needs an interface reference); such calls are skipped. Constant-folded by the JIT.
    private static readonly bool _callOnBatchStart = Overrides(nameof(IValueEventHandler<T>.OnBatchStart));
    private static readonly bool _callOnStart = Overrides(nameof(IValueEventHandler<T>.OnStart));
    private static readonly bool _callOnShutdown = Overrides(nameof(IValueEventHandler<T>.OnShutdown));

    private readonly ValueRingBuffer<T> _ring;
    private readonly SequenceBarrier _barrier;
    private readonly IExceptionHandler<T> _exceptionHandler;
    private readonly Sequence _sequence = new();
    private THandler _handler;
    private int _state;
    private volatile Exception? _fault;

    /// <summary>Creates a processor; register its <see cref="Sequence"/> as a gating sequence before publishing.</summary>
    /// <param name="ring">The ring to read.</param>
    /// <param name="barrier">This processor's own barrier, from <see cref="ValueRingBuffer{T}.NewBarrier"/>.</param>
    /// <param name="handler">The handler; a struct handler is copied into the processor.</param>
    /// <param name="exceptionHandler">The exception policy; <see cref="HaltOnExceptionHandler{T}"/> when null.</param>
    public ValueBatchEventProcessor(
        ValueRingBuffer<T> ring,
        SequenceBarrier barrier,
        THandler handler,
        IExceptionHandler<T>? exceptionHandler = null)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(barrier);
        ArgumentNullException.ThrowIfNull(handler);
        _ring = ring;
        _barrier = barrier;
        _handler = handler;
        _exceptionHandler = exceptionHandler ?? HaltOnExceptionHandler<T>.Instance;
    }

    /// <summary>Gets the sequence of the last event this processor finished; gate producers and downstream consumers on it.</summary>
    public Sequence Sequence => _sequence;

    /// <summary>Gets a value indicating whether the loop is running.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == StateRunning;

    /// <summary>Gets the exception that stopped the processor, or <see langword="null"/>.</summary>
    public Exception? Fault => _fault;

    /// <summary>Gets or sets a callback invoked on the processor thread when a handler exception halts the processor.</summary>
    /// <remarks>Set it before starting. Exceptions it throws are ignored.</remarks>
    public Action<Exception>? OnFault { get; set; }

    /// <summary>Runs the processing loop on the calling thread until halted or faulted.</summary>
    /// <exception cref="InvalidOperationException">The processor is already running.</exception>
    /// <remarks>
    /// Rethrows the handler exception when the exception policy halted the processor. If <see cref="Halt"/> was
    /// called before the loop began, returns at once without calling the handler.
    /// </remarks>
    public void Run()
    {
        int previous = Interlocked.CompareExchange(ref _state, StateRunning, StateIdle);
        if (previous == StateRunning)
        {
            ThrowHelper.InvalidOperation("The processor is already running.");
        }

        if (previous == StateHalted)
        {
            Volatile.Write(ref _state, StateIdle); // halted before it started: consume the halt and exit
            return;
        }

        _fault = null;
        _barrier.ClearAlert();

        // A Halt between the CAS above and ClearAlert may have had its alert cleared; it wrote the state first,
        // and the fence makes the read below come after our clear, so the state still shows it.
        Interlocked.MemoryBarrier();
        try
        {
            if (IsRunning)
            {
                if (_callOnStart)
                {
                    _handler.OnStart();
                }

                try
                {
                    ProcessEvents();
                }
                finally
                {
                    if (_callOnShutdown)
                    {
                        _handler.OnShutdown();
                    }
                }
            }
        }
        catch (Exception ex)
        {
            if (_fault is null)
            {
                RecordFault(ex); // OnStart or OnShutdown threw; a handler fault recorded first takes precedence
            }
        }
        finally
        {
            Volatile.Write(ref _state, StateIdle);
        }

        if (_fault is { } fault)
        {
            ExceptionDispatchInfo.Throw(fault);
        }
    }

    /// <summary>Starts the loop on a new dedicated background thread.</summary>
    /// <param name="threadName">Name of the thread; defaults to the handler type's name.</param>
    /// <param name="onThreadStart">Runs on the new thread before the loop (CPU pinning); if it throws, the loop does
    /// not run and the returned task faults with that exception.</param>
    /// <returns>A task that completes when the loop stops: faulted with the handler exception if it halted on one.</returns>
    /// <exception cref="InvalidOperationException">The processor is already running.</exception>
    public Task Start(string? threadName = null, Action? onThreadStart = null)
    {
        if (IsRunning)
        {
            ThrowHelper.InvalidOperation("The processor is already running.");
        }

        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                onThreadStart?.Invoke();
                Run();
                completion.SetResult();
            }
            catch (Exception ex)
            {
                completion.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = threadName ?? $"ring-{typeof(THandler).Name}",
        };
        thread.Start();
        return completion.Task;
    }

    /// <summary>Asks the loop to stop after the batch in progress; returns immediately.</summary>
    /// <remarks>
    /// Safe from any thread. Called before the loop starts, it makes the next run exit at once. Alerting this
    /// processor's barrier directly has the same effect on a running loop.
    /// </remarks>
    public void Halt()
    {
        Volatile.Write(ref _state, StateHalted);
        _barrier.Alert();
    }

    private void ProcessEvents()
    {
        long next = _sequence.Value + 1;
        while (true)
        {
            try
            {
                long available = _barrier.WaitFor(next);
                if (available >= next)
                {
                    if (_callOnBatchStart)
                    {
                        _handler.OnBatchStart(available - next + 1);
                    }

                    for (; next <= available; next++)
                    {
                        _handler.OnEvent(ref _ring[next], next, next == available);
                    }

                    _sequence.SetValue(available);
                }
            }
            catch (AlertException)
            {
                return; // Halt (or anyone alerting this processor's barrier) stops the loop
            }
            catch (Exception ex)
            {
                if (_exceptionHandler.HandleEventException(ex, next, ref _ring[next]) == ExceptionAction.Halt)
                {
                    RecordFault(ex);
                    return;
                }

                _sequence.SetValue(next++);
            }
        }
    }

    /// <summary>
    /// Whether calling the named handler method does anything worth a call: always for reference types; for value
    /// types only when the struct implements it itself rather than inheriting the empty default body.
    /// </summary>
    private static bool Overrides(string methodName)
    {
        if (!typeof(THandler).IsValueType)
        {
            return true;
        }

        InterfaceMapping map = typeof(THandler).GetInterfaceMap(typeof(IValueEventHandler<T>));
        for (int i = 0; i < map.InterfaceMethods.Length; i++)
        {
            if (map.InterfaceMethods[i].Name == methodName)
            {
                return map.TargetMethods[i].DeclaringType != typeof(IValueEventHandler<T>);
            }
        }

        return true;
    }

    private void RecordFault(Exception ex)
    {
        _fault = ex;
        try
        {
            OnFault?.Invoke(ex);
        }
        catch (Exception)
        {
            // A failing observer must not hide the original fault.
        }
    }
}

/// <summary>Factory that infers the type arguments of <see cref="ValueBatchEventProcessor{T, THandler}"/>.</summary>
public static class ValueBatchEventProcessor
{
    /// <summary>Creates a processor for <paramref name="handler"/> over <paramref name="ring"/>.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="ring">The ring to read.</param>
    /// <param name="barrier">The processor's own barrier.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="exceptionHandler">The exception policy; halt-and-fault when null.</param>
    /// <returns>The new processor, not started.</returns>
    public static ValueBatchEventProcessor<T, THandler> Create<T, THandler>(
        ValueRingBuffer<T> ring,
        SequenceBarrier barrier,
        THandler handler,
        IExceptionHandler<T>? exceptionHandler = null)
        where T : struct
        where THandler : IValueEventHandler<T> =>
        new(ring, barrier, handler, exceptionHandler);
}
