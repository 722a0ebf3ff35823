namespace Engine.Gateway.Protocol;

/// <summary>The outcome of reading one frame from a buffer.</summary>
public enum FrameStatus
{
    /// <summary>Not enough bytes yet for the whole frame; nothing was consumed.</summary>
    Incomplete = 0,
    /// <summary>A whole frame was read and consumed.</summary>
    Complete = 1,
    /// <summary>The length field is below the header size or above <see cref="FrameHeader.MaxFrameLength"/>: a framing error.</summary>
    BadLength = 2,
    /// <summary>The frame carries a protocol version other than <see cref="FrameHeader.CurrentVersion"/>.</summary>
    BadVersion = 3,
}
