using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>One frame a <see cref="RawClient"/> received from the server: its header and a copy of its body.</summary>
public sealed class ReceivedFrame(FrameHeader header, byte[] body)
{
    public FrameHeader Header { get; } = header;

    public byte[] Body { get; } = body;

    public MessageType Type => Header.Type;

    public uint Sequence => Header.Sequence;

    public bool IsEvent => Type == MessageType.Event;

    public bool IsError => Type == MessageType.Error;

    /// <summary>The engine event of an <see cref="MessageType.Event"/> frame.</summary>
    public OutputEvent Event => EventMessage.TryRead(Body, out var e) ? e : throw new InvalidOperationException($"not an event frame: {this}");

    /// <summary>The body of an <see cref="MessageType.Error"/> frame.</summary>
    public ErrorMessage Error => ErrorMessage.TryRead(Body, out var e) ? e : throw new InvalidOperationException($"not an error frame: {this}");

    /// <summary>The body of a <see cref="MessageType.LoginAccepted"/> frame.</summary>
    public LoginAcceptedMessage LoginAccepted =>
        LoginAcceptedMessage.TryRead(Body, out var m) ? m : throw new InvalidOperationException($"not a login-accepted frame: {this}");

    public override string ToString() => Type switch
    {
        MessageType.Event => $"#{Sequence} Event {Describe(Event)}",
        MessageType.Error => $"#{Sequence} Error {Error.Code} ref {Error.RefType}#{Error.RefSequence} id {Error.RequestId} closing {Error.Closing}",
        _ => $"#{Sequence} {Type} ({Body.Length} bytes)",
    };

    public static string Describe(in OutputEvent e) =>
        $"{e.Type} code {e.Code} session {e.SessionId} account {e.AccountId} seq {e.InputSequence} id {e.ClientOrderId} order {e.OrderId} " +
        $"px {e.Price} qty {e.Quantity} match {e.MatchId} count {e.Count}";
}
