using Engine.Gateway.Server.Configuration;
using Engine.Ring;
using Gateway.Host;

namespace Engine.Tests.Gateway.Host;

/// <summary><c>run-engine.sh serve</c>'s thread options: <c>--wait</c> and <c>--pin-logic</c> (JSON <c>wait</c>, <c>logicCpu</c>).</summary>
public class ServeOptionsTests
{
    [Test]
    public void ShouldKeepBlockingWaitsAndOsPlacementByDefault()
    {
        var config = ServeCommand.Configure([]);
        var options = config.ToOptions();

        Assert.That(config.Wait, Is.EqualTo("blocking"));
        Assert.That(options.InputWait(), Is.InstanceOf<BlockingWaitStrategy>());
        Assert.That(options.OutputWait(), Is.InstanceOf<BlockingWaitStrategy>());
        Assert.That(options.LogicCpu, Is.Null);
    }

    [TestCase("blocking", typeof(BlockingWaitStrategy))]
    [TestCase("sleeping", typeof(SleepingWaitStrategy))]
    [TestCase("yielding", typeof(YieldingWaitStrategy))]
    [TestCase("spin", typeof(BusySpinWaitStrategy))]
    public void ShouldGiveTheChosenWaitStrategyToEveryEngineThread(string wait, Type expected)
    {
        var options = ServeCommand.Configure(["--wait", wait]).ToOptions();

        Assert.That(options.InputWait(), Is.InstanceOf(expected));
        Assert.That(options.OutputWait(), Is.InstanceOf(expected));
    }

    [Test]
    public void ShouldRefuseAnUnknownWaitStrategyNamingIt()
    {
        var ex = Assert.Throws<ConfigurationException>(() => ServeCommand.Configure(["--wait", "fast"]));

        Assert.That(ex!.Message, Does.Contain("wait 'fast'").And.Contain("blocking, sleeping, yielding or spin"));
    }

    [Test]
    [Platform("Linux")]
    public void ShouldPinTheLogicThreadToTheCpuGivenAndUnpinWithOff()
    {
        Assume.That(Environment.ProcessorCount, Is.GreaterThanOrEqualTo(2));
        var cpu = Environment.ProcessorCount - 1;

        Assert.That(ServeCommand.Configure(["--pin-logic", $"{cpu}"]).ToOptions().LogicCpu, Is.EqualTo(cpu));
        Assert.That(ServeCommand.Configure(["--pin-logic", "off"]).ToOptions().LogicCpu, Is.Null);
    }

    [TestCase("one", typeof(ArgumentException), "not a CPU number")]
    [TestCase("-1", typeof(ArgumentException), "not a CPU number")]
    [TestCase("4096", typeof(ConfigurationException), "logicCpu 4096")]
    public void ShouldRefuseACpuThatIsNotOneOfThisMachine(string value, Type exception, string message)
    {
        var ex = Assert.Throws(exception, () => ServeCommand.Configure(["--pin-logic", value]));

        Assert.That(ex!.Message, Does.Contain(message));
    }
}
