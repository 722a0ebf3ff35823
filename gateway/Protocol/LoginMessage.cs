using System.Buffers.Binary;
using System.Text;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.Login"/>: the first frame of a connection, carrying the session's key.</summary>
/// <remarks>
/// Body of 40 bytes. Any other frame before a successful login is refused with <c>NotLoggedIn</c> and the connection
/// is closed; so is a wrong key (<c>NotAuthorized</c>).
/// <code>
///  offset size  type    field
///     0    32  ascii   Key, zero-padded (1-32 printable ASCII characters)
///    32     4  i32     HeartbeatMs: the interval the client asks for (0: the server default; clamped to 100..60000)
///    36     4  -       (reserved, zero)
/// </code>
/// </remarks>
public readonly struct LoginMessage
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 40;
    /// <summary>Offset of <see cref="Key"/>.</summary>
    public const int KeyOffset = 0;
    /// <summary>Length of the key field.</summary>
    public const int KeyLength = 32;
    /// <summary>Offset of <see cref="HeartbeatMs"/>.</summary>
    public const int HeartbeatMsOffset = 32;

    /// <summary>Creates a login message.</summary>
    public LoginMessage(string key, int heartbeatMs = 0)
    {
        Key = key;
        HeartbeatMs = heartbeatMs;
    }

    /// <summary>The key from the server's configuration.</summary>
    public string Key { get; }

    /// <summary>Requested heartbeat interval in milliseconds (0: the server's default).</summary>
    public int HeartbeatMs { get; }

    /// <summary>Reads the body; false when the length is wrong or the key is empty or not printable ASCII.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out LoginMessage message)
    {
        message = default;
        if (body.Length != Size) return false;
        var key = body.Slice(KeyOffset, KeyLength);
        var length = key.IndexOf((byte)0);
        if (length < 0) length = KeyLength;
        if (length == 0) return false;
        foreach (var b in key[..length])
            if (b < 0x21 || b > 0x7E) return false;
        foreach (var b in key[length..])
            if (b != 0) return false;
        message = new LoginMessage(Encoding.ASCII.GetString(key[..length]), BinaryPrimitives.ReadInt32LittleEndian(body[HeartbeatMsOffset..]));
        return true;
    }

    /// <summary>Writes the body; false when the destination is too short or the key does not fit or is not printable ASCII.</summary>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size || string.IsNullOrEmpty(Key) || Key.Length > KeyLength) return false;
        foreach (var c in Key)
            if (c < 0x21 || c > 0x7E) return false;
        body[..Size].Clear();
        Encoding.ASCII.GetBytes(Key, body.Slice(KeyOffset, KeyLength));
        BinaryPrimitives.WriteInt32LittleEndian(body[HeartbeatMsOffset..], HeartbeatMs);
        return true;
    }
}
