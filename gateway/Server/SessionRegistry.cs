using System.Collections.Frozen;

namespace Engine.Gateway.Server;

/// <summary>The live sessions: by id (for responses) and by account (for fills, cancels and liquidations).</summary>
/// <remarks>
/// Logins and disconnects (I/O threads) change it under a lock and publish a new immutable account map; the
/// publisher thread reads without locking or allocating: an array slot for an id, a frozen dictionary for an account.
/// Ids grow for the life of the server, so an id is never reused and a late response can never reach a newer session.
/// </remarks>
internal sealed class SessionRegistry
{
    private readonly GatewaySession?[] _slots;
    private readonly Dictionary<int, List<GatewaySession>> _accounts = [];
    private readonly Lock _lock = new();
    private FrozenDictionary<int, GatewaySession[]> _byAccount = FrozenDictionary<int, GatewaySession[]>.Empty;
    private int _nextId = 1;
    private int _count;

    public SessionRegistry(int capacity) => _slots = new GatewaySession?[capacity];

    /// <summary>Sessions connected now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gives the session an id and a slot; false when the server is full.</summary>
    public bool TryAdd(GatewaySession session)
    {
        lock (_lock)
        {
            if (_count == _slots.Length) return false;
            while (_slots[_nextId % _slots.Length] != null) _nextId++;
            session.Id = _nextId++;
            if (_nextId == int.MaxValue) _nextId = 1;
            Volatile.Write(ref _slots[session.Id % _slots.Length], session);
            _count++;
            return true;
        }
    }

    /// <summary>After login: the session starts receiving its accounts' events.</summary>
    public void AddAccounts(GatewaySession session)
    {
        lock (_lock)
        {
            foreach (var account in session.Accounts)
            {
                if (!_accounts.TryGetValue(account, out var list)) _accounts[account] = list = [];
                list.Add(session);
            }
            Republish();
        }
    }

    /// <summary>The session stops receiving anything (closing or closed).</summary>
    public void Remove(GatewaySession session)
    {
        lock (_lock)
        {
            ref var slot = ref _slots[session.Id % _slots.Length];
            if (ReferenceEquals(slot, session))
            {
                Volatile.Write(ref slot, null);
                _count--;
            }
            var changed = false;
            foreach (var account in session.Accounts)
                if (_accounts.TryGetValue(account, out var list) && list.Remove(session))
                {
                    changed = true;
                    if (list.Count == 0) _accounts.Remove(account);
                }
            if (changed) Republish();
        }
    }

    /// <summary>The live session with this id, or null.</summary>
    public GatewaySession? Get(int id)
    {
        if (id <= 0) return null;
        var session = Volatile.Read(ref _slots[id % _slots.Length]);
        return session != null && session.Id == id ? session : null;
    }

    /// <summary>The logged-in sessions granted this account (empty when none).</summary>
    public ReadOnlySpan<GatewaySession> SessionsOf(int account) =>
        Volatile.Read(ref _byAccount).TryGetValue(account, out var sessions) ? sessions : [];

    /// <summary>A copy of the live sessions (for the timer and shutdown).</summary>
    public List<GatewaySession> Snapshot()
    {
        lock (_lock)
        {
            var all = new List<GatewaySession>(_count);
            foreach (var s in _slots)
                if (s != null) all.Add(s);
            return all;
        }
    }

    private void Republish()
    {
        var map = new Dictionary<int, GatewaySession[]>(_accounts.Count);
        foreach (var (account, list) in _accounts) map[account] = [.. list];
        Volatile.Write(ref _byAccount, map.ToFrozenDictionary());
    }
}
