using Engine.Events;

namespace Engine.Gateway.Client;

/// <summary>Receives one engine event; the event is passed by reference so that raising it copies and allocates nothing.</summary>
/// <param name="e">The event, valid only for the duration of the call (copy it to keep it).</param>
public delegate void EngineEventHandler(in OutputEvent e);
