using Engine.Gateway.Protocol;

namespace Engine.Gateway.Server;

/// <summary>A login key from the configuration and what it grants.</summary>
/// <param name="Key">The secret the client sends in <see cref="LoginMessage"/> (1-32 printable ASCII characters).</param>
/// <param name="Roles">What the session may do.</param>
/// <param name="Accounts">The accounts a trader session may trade, query and manage (at most 8).</param>
public sealed record AccessKey(string Key, SessionRoles Roles, IReadOnlyList<int> Accounts);
