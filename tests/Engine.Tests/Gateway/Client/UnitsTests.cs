using Engine.Gateway.Client;

namespace Engine.Tests.Gateway.Client;

public class UnitsTests
{
    [Test]
    public void ShouldConvertBothWaysWithoutLoss()
    {
        Assert.That(Units.ToRawPrice(100_000.5m), Is.EqualTo(10_000_050_000_000));
        Assert.That(Units.FromRawPrice(10_000_050_000_000), Is.EqualTo(100_000.5m));
        Assert.That(Units.ToRawQuantity(0.00000001m), Is.EqualTo(1));
        Assert.That(Units.FromRawQuantity(123_456_789), Is.EqualTo(1.23456789m));
        Assert.That(Units.ToRawMoney(-12.345678m), Is.EqualTo(-12_345_678));
        Assert.That(Units.FromRawMoney(1), Is.EqualTo(0.000001m));
    }

    [Test]
    public void ShouldRefuseMoreDecimalsThanTheUnitHolds()
    {
        Assert.Throws<ArgumentException>(() => Units.ToRawPrice(1.000000001m));
        Assert.Throws<ArgumentException>(() => Units.ToRawMoney(0.0000001m));
    }

    [Test]
    public void ShouldRefuseValuesOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Units.ToRawPrice(100_000_000_000_000m));
        Assert.Throws<ArgumentOutOfRangeException>(() => Units.ToRawMoney(-10_000_000_000_000_000m));
    }
}
