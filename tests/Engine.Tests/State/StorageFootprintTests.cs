using System.Reflection;
using System.Runtime.CompilerServices;
using Engine.State;

namespace Engine.Tests.State;

/// <summary>
/// Bytes per row of the struct-of-arrays tables, computed from their per-row arrays, held against the figures
/// in docs/architecture.md: a new column is a deliberate, documented change.
/// </summary>
public class StorageFootprintTests
{
    /// <summary>Σ element sizes of the instance array fields of a table (per-row arrays).</summary>
    internal static int BytesPerRow(Type table, params string[] except)
    {
        var total = 0;
        foreach (var field in table.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (!field.FieldType.IsArray || field.FieldType.GetArrayRank() != 1 || Array.IndexOf(except, field.Name) >= 0) continue;
            var element = field.FieldType.GetElementType()!;
            if (element.IsArray || !element.IsValueType) continue; // jagged or reference columns are per-table, not per-row
            total += (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(element).Invoke(null, null)!;
        }
        return total;
    }

    [Test]
    public void ShouldHoldAnAccountIn61BytesPlus8PerAsset()
    {
        // Exists 1, Collateral/CrossUpnl/CrossMm/CrossIm/OrderMargin 5×8, OrderHead/OpenOrders/PositionHead 3×4
        Assert.That(BytesPerRow(typeof(AccountTable), "Balance"), Is.EqualTo(1 + 5 * 8 + 3 * 4));
        Assert.That(typeof(AccountTable).GetField("Balance")!.FieldType, Is.EqualTo(typeof(long[])), "one long per asset");
    }

    [Test]
    public void ShouldHoldAPositionIn93Bytes()
    {
        // Lots/Cost/Upnl/Mm/Im/IsoMargin/LiqPrice/OrderMargin 8×8, Account/Instrument/Leverage/OpenOrders/ReduceOnlyOrders/
        // ActiveIndex/AccNext 7×4, Mode 1; plus its (account, instrument) map entry (12 bytes at ≤ 50% load) and active-list slot
        Assert.That(BytesPerRow(typeof(PositionTable)), Is.EqualTo(8 * 8 + 7 * 4 + 1));
    }

    [Test]
    public void ShouldHoldARestingOrderIn92BytesPlusItsShareOfALevel()
    {
        // hot row 64 (price, leaves, reservation, links, level, account, instrument, position, session, generation,
        // side, flags, self-trade mode), cold ClientId 8 + Filled 8 + account-list links 2×4, free-list slot 4
        Assert.That(System.Runtime.CompilerServices.Unsafe.SizeOf<OrderRow>(), Is.EqualTo(64));
        Assert.That(BytesPerRow(typeof(OrderTable)), Is.EqualTo(64 + 8 + 8 + 4 + 4 + 4));
        // a price level: a 32-byte row and a free-list slot, shared by the orders at that price
        Assert.That(BytesPerRow(typeof(Engine.Book.LevelTable)), Is.EqualTo(32 + 4));
    }
}
