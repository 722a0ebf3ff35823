namespace Engine.Tests.Gateway.Server.Support;

/// <summary>What the server must do with a <see cref="BadInput"/>.</summary>
public enum BadInputOutcome
{
    /// <summary>An Error with Closing=1, then the connection closes; the engine answers nothing.</summary>
    Closes,
    /// <summary>An Error with Closing=0; the session carries on (a following request is answered).</summary>
    Refused,
    /// <summary>No gateway error: the engine answers with Rejected and the expected code; the session carries on.</summary>
    EngineRejects,
    /// <summary>The request before the bad frame is answered by the engine first, then the closing Error, then the close.</summary>
    AnsweredThenCloses,
}
