using Engine.Commands;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>One order of the TCP crash test as its trader knows it: what was sent, what the engine answered, and what
/// the trader saw happen to it since (fills, cancels), or what a recovered engine reported.</summary>
public sealed class TrackedOrder
{
    /// <summary>The client order id it was sent with (unique over the whole test).</summary>
    public required long ClientOrderId { get; init; }

    /// <summary>Buy or sell.</summary>
    public required Side Side { get; init; }

    /// <summary>Limit price, raw.</summary>
    public required long Price { get; init; }

    /// <summary>Original quantity, raw.</summary>
    public required long Quantity { get; init; }

    /// <summary>GTC (rests) or IOC (never rests).</summary>
    public required TimeInForce TimeInForce { get; init; }

    /// <summary>The server run (0 for the first start, +1 per restart) it was sent in.</summary>
    public required int Run { get; init; }

    /// <summary>The engine's order id: from its Accepted, or from a recovered engine's OpenOrder row.</summary>
    public long OrderId { get; set; }

    /// <summary>The input sequence of its Accepted or Rejected; -1 when that answer was not received.</summary>
    public long InputSequence { get; set; } = -1;

    /// <summary>Its Accepted was received before the crash: it must survive.</summary>
    public bool Acknowledged { get; set; }

    /// <summary>A recovered engine reported it open although its Accepted never arrived (it was journaled before the crash).</summary>
    public bool Adopted { get; set; }

    /// <summary>Its Rejected was received.</summary>
    public bool Rejected { get; set; }

    /// <summary>The quantity filled as far as this test knows: fills received, or what a recovered engine reported.</summary>
    public long KnownFilled { get; set; }

    /// <summary>Known to be off the book: rejected, canceled, fully filled, or gone (not acknowledged) after a restart.</summary>
    public bool Closed { get; set; }

    /// <summary>The request id of a cancel sent for it and not yet settled; 0 when none.</summary>
    public long PendingCancel { get; set; }

    /// <summary>The open quantity as far as this test knows.</summary>
    public long KnownLeaves => Quantity - KnownFilled;

    /// <inheritdoc/>
    public override string ToString() =>
        $"order {ClientOrderId} (run {Run}, {Side} {Quantity} @ {Price} {TimeInForce}, engine id {OrderId}, input sequence {InputSequence}, " +
        $"{(Acknowledged ? "acknowledged" : Adopted ? "adopted after a restart" : Rejected ? "rejected" : "unanswered")}, known filled {KnownFilled}" +
        $"{(Closed ? ", closed" : "")}{(PendingCancel != 0 ? $", cancel {PendingCancel} unanswered" : "")})";
}
