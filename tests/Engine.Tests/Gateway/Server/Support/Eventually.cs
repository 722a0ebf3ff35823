namespace Engine.Tests.Gateway.Server.Support;

/// <summary>Polls a condition that no client can be told about (the server's own counters); the deadline only detects hangs.</summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? RawClient.DefaultTimeout;
        var deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) throw new AssertionException($"timed out after {limit.TotalSeconds} s waiting for {what}");
            await Task.Delay(5);
        }
    }
}
