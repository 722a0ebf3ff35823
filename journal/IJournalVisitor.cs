using Engine.Commands;

namespace Journal;

/// <summary>Receives the commands a <see cref="JournalReader"/> reads, in sequence order.</summary>
/// <remarks>
/// Implement as a <see langword="struct"/> or <see langword="sealed"/> class: the reader's generic loop then calls
/// it without virtual dispatch. Both methods are called on the reading thread.
/// </remarks>
public interface IJournalVisitor
{
    /// <summary>Takes one command.</summary>
    /// <param name="command">The record, in the reader's buffer: valid only during the call.</param>
    /// <param name="sequence">Its ring sequence.</param>
    void OnCommand(ref Command command, long sequence);

    /// <summary>Called after the last command delivered from each batch (a good time to flush).</summary>
    void OnBatchEnd();
}
