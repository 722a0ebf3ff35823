using Engine.Commands;
using Engine.Ring;

namespace Engine.Pipeline;

/// <summary>A consumer of the input ring that makes commands durable (the journaler), beside the logic thread.</summary>
/// <remarks>
/// The pipeline runs it on its own thread as a second consumer of the input ring. <see cref="Durable"/> is the
/// highest input sequence that is durable under the journal's policy; the publisher releases the events of
/// input sequence <c>s</c> only once it is at least <c>s</c>, so nothing acknowledged can be lost.
/// </remarks>
public interface ICommandJournal : IValueEventHandler<Command>
{
    /// <summary>Highest input sequence that is durable; never advances past a failed write.</summary>
    Sequence Durable { get; }

    /// <summary>The I/O error that stopped the journal, if any.</summary>
    Exception? Fault { get; }
}
