namespace Engine.Ring;

/// <summary>Selects the claim protocol a <see cref="ValueRingBuffer{T}"/> uses.</summary>
public enum ProducerType
{
    /// <summary>Exactly one thread ever claims and publishes; no atomic instructions on the claim path.</summary>
    Single,

    /// <summary>Any number of threads may claim and publish concurrently (CAS claim, per-slot availability flags).</summary>
    Multi,
}
