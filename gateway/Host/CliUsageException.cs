namespace Gateway.Host;

/// <summary>The command line of the client is wrong; the message says how (exit code 2).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
