using Gateway.Host;

namespace Engine.Tests.Gateway.Host;

/// <summary>`run-engine.sh demo` is a self-checking scenario; CI runs it so that it stays true.</summary>
public class TcpDemoTests
{
    [Test]
    public void ShouldPassEveryCheckOfTheDemo()
    {
        var output = new StringWriter();
        var exitCode = TcpDemo.Run(output);
        TestContext.Out.WriteLine(output.ToString());
        Assert.That(exitCode, Is.Zero, "the demo's checks (see the output above)");
        Assert.That(output.ToString(), Does.Contain("isolated: the BTC position was liquidated, the ETH position untouched"));
        Assert.That(output.ToString(), Does.Not.Contain("FAIL"));
    }
}
