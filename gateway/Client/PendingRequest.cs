using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.Gateway.Client;

/// <summary>An awaitable request between its frame and its response (and, for queries, its last row).</summary>
internal sealed class PendingRequest
{
    public PendingRequest(MessageType type) => Type = type;

    public MessageType Type { get; }

    public long RequestId { get; set; }

    public uint Sequence { get; set; }

    public TaskCompletionSource<EngineResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Queries are answered by Accepted then Accepted.Count rows with the same input sequence.</summary>
    public bool ExpectsRows => Type is MessageType.QueryAccount or MessageType.QueryBook;

    /// <summary>The Accepted event of a query whose rows are being collected.</summary>
    public OutputEvent Response { get; set; }

    public List<OutputEvent>? Rows { get; set; }
}
