using System.Buffers.Binary;

namespace Engine.Gateway.Protocol;

/// <summary>Server <see cref="MessageType.LoginAccepted"/>: the session is open; what it may do.</summary>
/// <remarks>
/// Body of 48 bytes.
/// <code>
///  offset size  type     field
///     0     4  i32      SessionId: stamped on every command of this session, echoed in its events
///     4     1  u8       Roles (SessionRoles bits: 1 trader, 2 price feed, 4 admin)
///     5     1  u8       AccountCount: how many of the 8 account slots are used
///     6     2  -        (reserved, zero)
///     8     4  i32      HeartbeatMs: the interval in force
///    12     4  -        (reserved, zero)
///    16    32  i32[8]   Accounts: the granted account ids, AccountCount of them
/// </code>
/// </remarks>
public readonly struct LoginAcceptedMessage
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 48;
    /// <summary>Offset of <see cref="SessionId"/>.</summary>
    public const int SessionIdOffset = 0;
    /// <summary>Offset of <see cref="Roles"/>.</summary>
    public const int RolesOffset = 4;
    /// <summary>Offset of the account count.</summary>
    public const int AccountCountOffset = 5;
    /// <summary>Offset of <see cref="HeartbeatMs"/>.</summary>
    public const int HeartbeatMsOffset = 8;
    /// <summary>Offset of the first granted account id.</summary>
    public const int AccountsOffset = 16;
    /// <summary>The most accounts one key may grant.</summary>
    public const int MaxAccounts = 8;

    /// <summary>Creates the message.</summary>
    public LoginAcceptedMessage(int sessionId, SessionRoles roles, int heartbeatMs, IReadOnlyList<int> accounts)
    {
        if (accounts.Count > MaxAccounts) throw new ArgumentException($"a key grants at most {MaxAccounts} accounts", nameof(accounts));
        SessionId = sessionId;
        Roles = roles;
        HeartbeatMs = heartbeatMs;
        Accounts = accounts;
    }

    /// <summary>The session id.</summary>
    public int SessionId { get; }
    /// <summary>The session's roles.</summary>
    public SessionRoles Roles { get; }
    /// <summary>Heartbeat interval in milliseconds.</summary>
    public int HeartbeatMs { get; }
    /// <summary>Granted account ids.</summary>
    public IReadOnlyList<int> Accounts { get => field ?? []; }

    /// <summary>Reads the body; false when its length is wrong or the account count is above <see cref="MaxAccounts"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out LoginAcceptedMessage message)
    {
        message = default;
        if (body.Length != Size || body[AccountCountOffset] > MaxAccounts) return false;
        var accounts = new int[body[AccountCountOffset]];
        for (var i = 0; i < accounts.Length; i++) accounts[i] = BinaryPrimitives.ReadInt32LittleEndian(body[(AccountsOffset + 4 * i)..]);
        message = new LoginAcceptedMessage(BinaryPrimitives.ReadInt32LittleEndian(body[SessionIdOffset..]), (SessionRoles)body[RolesOffset],
            BinaryPrimitives.ReadInt32LittleEndian(body[HeartbeatMsOffset..]), accounts);
        return true;
    }

    /// <summary>Writes the body; false when the destination is too short.</summary>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[SessionIdOffset..], SessionId);
        body[RolesOffset] = (byte)Roles;
        body[AccountCountOffset] = (byte)Accounts.Count;
        BinaryPrimitives.WriteInt32LittleEndian(body[HeartbeatMsOffset..], HeartbeatMs);
        for (var i = 0; i < Accounts.Count; i++) BinaryPrimitives.WriteInt32LittleEndian(body[(AccountsOffset + 4 * i)..], Accounts[i]);
        return true;
    }
}
