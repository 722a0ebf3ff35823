using Engine.Commands;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>One predicted server reaction: an error, a login, a logout, or a command for the engine (with the frame it came from).</summary>
public sealed record ModelOutcome(ModelOutcomeKind Kind, ErrorMessage Error = default, Command Command = default, uint Sequence = 0);
