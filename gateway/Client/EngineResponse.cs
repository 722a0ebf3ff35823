using Engine.Commands;
using Engine.Events;

namespace Engine.Gateway.Client;

/// <summary>The answer to one request sent through the awaitable API of <see cref="EngineClient"/>.</summary>
/// <remarks>
/// Either the engine's response event (<see cref="EventType.Accepted"/> or <see cref="EventType.Rejected"/>) with, for
/// queries, the rows that followed it; or a refusal by the gateway (<see cref="GatewayError"/>), in which case the request
/// never reached the engine and <see cref="Event"/> is a <see cref="EventType.Rejected"/> event made up by the client from
/// the gateway's <c>Error</c> frame (code, request id, session id; no input sequence).
/// Consequence events (fills, cancels, liquidation steps) are not collected here: they arrive through
/// <see cref="EngineClient.EventReceived"/> with the same <see cref="OutputEvent.InputSequence"/> as <see cref="Event"/>.
/// </remarks>
public sealed class EngineResponse
{
    internal EngineResponse(in OutputEvent e, IReadOnlyList<OutputEvent> rows, bool gatewayError, long requestId, uint frameSequence)
    {
        Event = e;
        Rows = rows;
        GatewayError = gatewayError;
        RequestId = requestId;
        FrameSequence = frameSequence;
    }

    /// <summary>The response event: Accepted (for PlaceOrder its <c>OrderId</c>; for Snapshot the state hash in <c>OrderId</c> and
    /// the event hash in <c>MatchId</c>; for queries the row count in <c>Count</c>) or Rejected.</summary>
    public OutputEvent Event { get; }

    /// <summary>True when the engine accepted the request.</summary>
    public bool Accepted => Event.Type == EventType.Accepted;

    /// <summary>Why the request was refused, by the engine or by the gateway; <see cref="RejectCode.None"/> when accepted.</summary>
    public RejectCode Code => Accepted ? RejectCode.None : Event.RejectCode;

    /// <summary>Query rows (BookLevel, AccountRisk, Balance, Position, PositionPrices, OpenOrder), in the engine's order;
    /// exactly <c>Event.Count</c> of them for an accepted query, empty otherwise.</summary>
    public IReadOnlyList<OutputEvent> Rows { get; }

    /// <summary>True when the gateway refused the request with an <c>Error</c> frame (it never reached the engine).</summary>
    public bool GatewayError { get; }

    /// <summary>The request id (client order id for PlaceOrder) the request was sent with, assigned by the client when it was 0.</summary>
    public long RequestId { get; }

    /// <summary>The frame sequence number the request was sent with.</summary>
    public uint FrameSequence { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        Accepted ? $"Accepted (request {RequestId})" : $"{(GatewayError ? "Refused by the gateway" : "Rejected")}: {Code} (request {RequestId})";
}
