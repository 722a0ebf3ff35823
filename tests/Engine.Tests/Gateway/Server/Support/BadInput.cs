using Engine.Commands;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>One row of the bad-input table: the bytes a client sends and what the server must answer.</summary>
/// <param name="Name">The test case name.</param>
/// <param name="LogIn">True to log in (frame 1) before sending <paramref name="Bytes"/>, whose frames then start at 2.</param>
/// <param name="Bytes">Sent in one write.</param>
/// <param name="Outcome">What must happen.</param>
/// <param name="Code">The error code (gateway) or reject code (engine).</param>
/// <param name="RefType">The error's RefType.</param>
/// <param name="RefSequence">The error's RefSequence.</param>
/// <param name="RequestId">The error's RequestId, or the id of the request the engine answers.</param>
/// <param name="FramesTaken">How many frame numbers the bytes use up in sequence (so the next request is numbered right).</param>
public sealed record BadInput(string Name, bool LogIn, byte[] Bytes, BadInputOutcome Outcome, RejectCode Code, MessageType RefType = 0,
    uint RefSequence = 0, long RequestId = 0, uint FramesTaken = 1)
{
    public override string ToString() => Name;
}
