using Engine.Events;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>Every event the clients of a crash test received (from any receive loop), kept until the next journal audit.</summary>
public sealed class ReceivedEvents
{
    private readonly Lock _lock = new();
    private List<OutputEvent> _events = [];

    /// <summary>An <see cref="Engine.Gateway.Client.EngineEventHandler"/>: keeps a copy of the event.</summary>
    public void Add(in OutputEvent e)
    {
        lock (_lock) _events.Add(e);
    }

    /// <summary>The events received since the last call, in no particular order across clients.</summary>
    public List<OutputEvent> TakeAll()
    {
        lock (_lock)
        {
            var taken = _events;
            _events = [];
            return taken;
        }
    }
}
