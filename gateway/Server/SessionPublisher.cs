using Engine.Events;
using Engine.Ring;

namespace Engine.Gateway.Server;

/// <summary>The publisher thread's handler: routes each released event to the sessions that may see it.</summary>
/// <remarks>
/// Responses and query rows go to the session that asked (the event's <c>SessionId</c>); fills, cancels, replaces and
/// liquidation steps go to every session granted the event's account, maker and taker alike. Frames are appended
/// to each session's pipe and flushed once per batch. Runs on one thread, in engine order, so each session sees its
/// events in engine order. No locks but each session's short write lock; no allocation in steady state.
/// </remarks>
internal sealed class SessionPublisher(SessionRegistry sessions, GatewayServer server) : IValueEventHandler<OutputEvent>
{
    private GatewaySession[] _dirty = new GatewaySession[64];
    private int _dirtyCount;
    private long _now;
    private long _released = -1;
    private long _releasedOutput = -1;

    /// <summary>The input sequence of the last event handed to sessions.</summary>
    /// <remarks>Events of that command may still follow (the logic flushes a full event buffer mid-command).</remarks>
    public long Released => Volatile.Read(ref _released);

    /// <summary>The output-ring sequence of the last event handed to sessions (the ring numbers events from 0 at start).</summary>
    public long ReleasedOutput => Volatile.Read(ref _releasedOutput);

    public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch)
    {
        switch (data.Type)
        {
            case EventType.Accepted or EventType.Rejected:
                if (_now == 0) _now = GatewayClock.NowNanoseconds();
                server.Metrics?.OnResponse(in data, _now);
                ToRequester(ref data);
                break;
            case EventType.Fill or EventType.Canceled or EventType.Replaced or EventType.Liquidation:
                foreach (var session in sessions.SessionsOf(data.AccountId)) Write(session, ref data);
                break;
            default:
                ToRequester(ref data); // query rows
                break;
        }
        if (endOfBatch)
        {
            for (var i = 0; i < _dirtyCount; i++)
            {
                _dirty[i].Dirty = false;
                _dirty[i].Flush();
                _dirty[i] = null!;
            }
            _dirtyCount = 0;
            _now = 0;
            Volatile.Write(ref _released, data.InputSequence);
            Volatile.Write(ref _releasedOutput, sequence);
        }
    }

    private void ToRequester(ref OutputEvent data)
    {
        var session = sessions.Get(data.SessionId);
        if (session != null) Write(session, ref data);
    }

    private void Write(GatewaySession session, ref OutputEvent data)
    {
        if (!session.WriteEvent(in data) || session.Dirty) return;
        session.Dirty = true;
        if (_dirtyCount == _dirty.Length) Array.Resize(ref _dirty, _dirty.Length * 2); // grows to the session count once
        _dirty[_dirtyCount++] = session;
    }
}
