namespace Engine.State;

/// <summary>Collateral assets, indexed by asset id; asset 0 is the settlement asset (USD, price 1, no haircut).</summary>
/// <remarks>
/// <code>
///  Exists      bool
///  Price       long  raw price (1e-8 USD per unit)
///  HaircutPpm  int   value counted as collateral = balance · price · (1 - haircut)
/// </code>
/// </remarks>
internal sealed class AssetTable
{
    public readonly bool[] Exists;
    public readonly long[] Price;
    public readonly int[] HaircutPpm;

    public AssetTable(int capacity)
    {
        Exists = new bool[capacity];
        Price = new long[capacity];
        HaircutPpm = new int[capacity];
        Exists[0] = true;
        Price[0] = Commands.FixedPoint.PriceScale;
    }

    public int Capacity => Exists.Length;

    public bool IsValid(int id) => (uint)id < (uint)Exists.Length && Exists[id];
}
