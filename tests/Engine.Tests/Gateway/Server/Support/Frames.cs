using System.Buffers.Binary;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>Builds client frames as byte arrays: catalog messages through <see cref="FrameWriter"/>, or any bytes at all.</summary>
public static class Frames
{
    /// <summary>A request frame written by the catalog.</summary>
    public static byte[] Request<T>(in T message, uint sequence) where T : struct, IRequestMessage<T>
    {
        var frame = new byte[FrameHeader.Size + T.BodySize];
        if (!FrameWriter.TryWriteRequest(frame, in message, sequence, out _)) throw new InvalidOperationException($"cannot write {T.Type}");
        return frame;
    }

    /// <summary>A login frame.</summary>
    public static byte[] Login(string key, int heartbeatMs, uint sequence)
    {
        var frame = new byte[FrameHeader.Size + LoginMessage.Size];
        if (!FrameWriter.TryWriteLogin(frame, new LoginMessage(key, heartbeatMs), sequence, out _)) throw new InvalidOperationException($"cannot write a login with key '{key}'");
        return frame;
    }

    /// <summary>A heartbeat frame.</summary>
    public static byte[] Heartbeat(uint sequence)
    {
        var frame = new byte[FrameHeader.Size + HeartbeatMessage.Size];
        FrameWriter.TryWriteHeartbeat(frame, DateTime.UtcNow.Ticks, sequence, out _);
        return frame;
    }

    /// <summary>A logout frame.</summary>
    public static byte[] Logout(uint sequence)
    {
        var frame = new byte[FrameHeader.Size];
        FrameWriter.TryWriteLogout(frame, sequence, out _);
        return frame;
    }

    /// <summary>A frame of any type and body; <paramref name="length"/> overrides the length field (else header + body).</summary>
    public static byte[] Raw(MessageType type, ReadOnlySpan<byte> body, uint sequence, byte version = FrameHeader.CurrentVersion, int? length = null)
    {
        var frame = new byte[FrameHeader.Size + body.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(FrameHeader.LengthOffset), (ushort)(length ?? frame.Length));
        frame[FrameHeader.TypeOffset] = (byte)type;
        frame[FrameHeader.VersionOffset] = version;
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(FrameHeader.SequenceOffset), sequence);
        body.CopyTo(frame.AsSpan(FrameHeader.Size));
        return frame;
    }

    /// <summary>Bytes from hex text; spaces and line breaks are ignored.</summary>
    public static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", "").Replace("\n", "").Replace("\r", ""));

    /// <summary>The frames one after the other, as one write.</summary>
    public static byte[] Concat(IEnumerable<byte[]> frames)
    {
        var all = new List<byte>();
        foreach (var f in frames) all.AddRange(f);
        return [.. all];
    }
}
