using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Client.Support;

/// <summary>A request frame the fake gateway received after login.</summary>
internal sealed record FakeRequest(MessageType Type, uint Sequence, long RequestId, byte[] Body)
{
    public T As<T>() where T : struct, IRequestMessage<T>
    {
        Assert.That(Type, Is.EqualTo(T.Type));
        Assert.That(T.TryRead(Body, out var message), Is.True);
        return message;
    }
}
