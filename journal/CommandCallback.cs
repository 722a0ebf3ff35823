using Engine.Commands;

namespace Journal;

/// <summary>Takes one command read from the journal; see <see cref="JournalReader.Read(long, CommandCallback)"/>.</summary>
/// <param name="command">The record, valid only during the call.</param>
/// <param name="sequence">Its ring sequence.</param>
public delegate void CommandCallback(ref Command command, long sequence);
