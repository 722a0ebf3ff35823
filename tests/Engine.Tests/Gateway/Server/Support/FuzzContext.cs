using Engine.Gateway.Protocol;
using Engine.Gateway.Server;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>What the fuzz generator knows about one connection: its randomness, its key, its own frame numbering.</summary>
/// <param name="random">The worker's seeded random source.</param>
/// <param name="key">The key the connection logs in with (its rights shape the valid requests).</param>
/// <param name="knownOrders">Orders this worker saw accepted (account, order id), for cancels and replaces.</param>
/// <param name="nextId">Unique request ids.</param>
public sealed class FuzzContext(Random random, AccessKey key, List<(int Account, long OrderId)> knownOrders, Func<long> nextId)
{
    public Random Random { get; } = random;

    public AccessKey Key { get; } = key;

    public SessionRoles Roles => Key.Roles;

    public IReadOnlyList<int> Accounts => Key.Accounts;

    public List<(int Account, long OrderId)> KnownOrders { get; } = knownOrders;

    /// <summary>The number of the last frame the generator wrote (login is 1).</summary>
    public uint Sequence { get; set; }

    public long NextId() => nextId();
}
