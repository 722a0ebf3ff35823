namespace Gateway.Host;

/// <summary>A parsed client command line: where to connect, with which key, and the request to send (null for help and watch).</summary>
/// <param name="Host">Server host.</param>
/// <param name="Port">Server port.</param>
/// <param name="Key">Login key, given or defaulted.</param>
/// <param name="KeyDefaulted">True when --key was omitted and <paramref name="Key"/> is the verb's default.</param>
/// <param name="Verb">The verb, lower case.</param>
/// <param name="Request">The request message (a boxed protocol struct such as PlaceOrderMessage), or null.</param>
internal sealed record CliInvocation(string Host, int Port, string Key, bool KeyDefaulted, string Verb, object? Request);
