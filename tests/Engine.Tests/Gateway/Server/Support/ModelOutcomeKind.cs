namespace Engine.Tests.Gateway.Server.Support;

/// <summary>What the server does with one client frame, as <see cref="SessionModel"/> predicts it.</summary>
public enum ModelOutcomeKind
{
    /// <summary>LoginAccepted.</summary>
    LoginAccepted,
    /// <summary>An Error frame (closing or not).</summary>
    Error,
    /// <summary>The frame becomes an engine command: exactly one Accepted or Rejected event follows.</summary>
    Command,
    /// <summary>A Logout frame, then the close.</summary>
    Logout,
}
