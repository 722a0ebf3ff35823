namespace Engine.Tests.Gateway.Server.Support;

/// <summary>Seeds of the random flows: a fixed default per test, or GATEWAY_TEST_SEED to replay another; always printed.</summary>
public static class TestSeed
{
    public static int Get(int defaultSeed)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("GATEWAY_TEST_SEED"), out var s) ? s : defaultSeed;
        TestContext.Out.WriteLine($"seed {seed} (set GATEWAY_TEST_SEED={seed} to replay)");
        return seed;
    }
}
