using System.Runtime.CompilerServices;

// the transport load test measures a server built like the gateway's sessions, with the same block pool
[assembly: InternalsVisibleTo("Engine.LoadTest")]
