namespace Engine.State;

/// <summary>Collateral assets, indexed by asset id; asset 0 is the settlement asset (USD, price 1, no haircut).</summary>
/// <remarks>
/// <code>
///  Exists      bool
///  Price       long  raw price (1e-8 USD per unit)
///  HaircutPpm  int   value counted as collateral = balance · price · (1 - haircut)
///  Holders     int[] accounts with a non-zero balance (HolderCount used), so a price touches only them
/// </code>
/// </remarks>
internal sealed class AssetTable
{
    public readonly bool[] Exists;
    public readonly long[] Price;
    public readonly int[] HaircutPpm;
    public readonly int[]?[] Holders;
    public readonly int[] HolderCount;

    public AssetTable(int capacity)
    {
        Exists = new bool[capacity];
        Price = new long[capacity];
        HaircutPpm = new int[capacity];
        Holders = new int[]?[capacity];
        HolderCount = new int[capacity];
        Exists[0] = true;
        Price[0] = Commands.FixedPoint.PriceScale;
    }

    public int Capacity => Exists.Length;

    public void AddHolder(int asset, int account)
    {
        var list = Holders[asset];
        var count = HolderCount[asset];
        if (list == null || count == list.Length)
        {
            Array.Resize(ref list, Math.Max(16, count * 2));
            Holders[asset] = list;
        }
        list[count] = account;
        HolderCount[asset] = count + 1;
    }

    /// <summary>Removes a holder, keeping the others in their order (admin path; linear).</summary>
    public void RemoveHolder(int asset, int account)
    {
        var list = Holders[asset]!;
        var count = HolderCount[asset];
        var i = Array.IndexOf(list, account, 0, count);
        if (i < 0) return;
        Array.Copy(list, i + 1, list, i, count - i - 1);
        HolderCount[asset] = count - 1;
    }

    public bool IsValid(int id) => (uint)id < (uint)Exists.Length && Exists[id];

    public void Save(StateWriter w)
    {
        w.Array(Exists, Exists.Length);
        w.Array(Price, Price.Length);
        w.Array(HaircutPpm, HaircutPpm.Length);
        for (var a = 0; a < Exists.Length; a++) w.Array(Holders[a] ?? [], HolderCount[a]);
    }

    public void Load(ref StateReader r)
    {
        r.Into(Exists);
        r.Into(Price);
        r.Into(HaircutPpm);
        for (var a = 0; a < Exists.Length; a++)
        {
            var list = Holders[a] ?? new int[16];
            HolderCount[a] = r.Array(ref list);
            Holders[a] = list;
        }
    }
}
