namespace Engine.Gateway.Protocol;

/// <summary>What a session may do, granted by its login key (bit set, on the wire in <see cref="LoginAcceptedMessage"/>).</summary>
[Flags]
public enum SessionRoles : byte
{
    /// <summary>Nothing but heartbeats and book queries.</summary>
    None = 0,
    /// <summary>Trade, query and manage the accounts the key names.</summary>
    Trader = 1,
    /// <summary>Send mark prices and asset prices.</summary>
    PriceFeed = 2,
    /// <summary>Send admin commands (instruments, assets, accounts, deposits, withdrawals, snapshots).</summary>
    Admin = 4,
}
