namespace Engine.State;

/// <summary>Accounts, struct-of-arrays, indexed by the account id (dense, chosen by the admin).</summary>
/// <remarks>
/// <code>
///  Exists          bool
///  Collateral      long   Σ balance · price · (1 − haircut) over assets, money (cached; the cross wallet)
///  CrossUpnl       long   Σ unrealized PnL of cross positions, money (cached)
///  CrossMm         long   Σ maintenance margin of cross positions, money (cached)
///  CrossIm         long   Σ initial margin of cross positions, money (cached)
///  OrderMargin     long   Σ margin reserved by open orders (cross and isolated), money (cached)
///  OrderHead       int    first slot of the open-order list (0 = none), linked through OrderTable.AccNext
///  OpenOrders      int    number of open orders
///  PositionHead    int    first row of the account's position list, linked through PositionTable.AccNext
///  Balance         long   [account · AssetCapacity + asset], 1e-6 units of the asset (USD: money units)
/// </code>
/// Cross equity is <c>Collateral + CrossUpnl</c>; the account is liquidated when it is at or below
/// <c>CrossMm</c>. Arrays start at <c>initialCapacity</c> and double (at CreateAccount only) up to <c>maxAccounts</c>.
/// </remarks>
internal sealed class AccountTable
{
    public bool[] Exists;
    public long[] Collateral;
    public long[] CrossUpnl;
    public long[] CrossMm;
    public long[] CrossIm;
    public long[] OrderMargin;
    public int[] OrderHead;
    public int[] OpenOrders;
    public int[] PositionHead;
    public long[] Balance;
    public readonly int AssetCapacity;
    public readonly int MaxAccounts;

    public AccountTable(int initialCapacity, int maxAccounts, int assetCapacity)
    {
        MaxAccounts = maxAccounts;
        AssetCapacity = assetCapacity;
        var n = Math.Max(1, Math.Min(initialCapacity, maxAccounts));
        Exists = new bool[n];
        Collateral = new long[n];
        CrossUpnl = new long[n];
        CrossMm = new long[n];
        CrossIm = new long[n];
        OrderMargin = new long[n];
        OrderHead = new int[n];
        OpenOrders = new int[n];
        PositionHead = new int[n];
        Balance = new long[n * assetCapacity];
    }

    public int Capacity => Exists.Length;

    public bool IsValid(int id) => (uint)id < (uint)Exists.Length && Exists[id];

    /// <summary>Makes room for <paramref name="id"/> (admin path only).</summary>
    public void EnsureCapacity(int id)
    {
        if (id < Exists.Length) return;
        var n = Exists.Length;
        while (n <= id) n = (int)Math.Min((long)n * 2, MaxAccounts);
        Array.Resize(ref Exists, n);
        Array.Resize(ref Collateral, n);
        Array.Resize(ref CrossUpnl, n);
        Array.Resize(ref CrossMm, n);
        Array.Resize(ref CrossIm, n);
        Array.Resize(ref OrderMargin, n);
        Array.Resize(ref OrderHead, n);
        Array.Resize(ref OpenOrders, n);
        Array.Resize(ref PositionHead, n);
        Array.Resize(ref Balance, n * AssetCapacity);
    }

    public void Save(StateWriter w)
    {
        var n = Exists.Length;
        w.Array(Exists, n);
        w.Array(Collateral, n);
        w.Array(CrossUpnl, n);
        w.Array(CrossMm, n);
        w.Array(CrossIm, n);
        w.Array(OrderMargin, n);
        w.Array(OrderHead, n);
        w.Array(OpenOrders, n);
        w.Array(PositionHead, n);
        w.Array(Balance, n * AssetCapacity);
    }

    public void Load(ref StateReader r)
    {
        r.Array(ref Exists);
        r.Array(ref Collateral);
        r.Array(ref CrossUpnl);
        r.Array(ref CrossMm);
        r.Array(ref CrossIm);
        r.Array(ref OrderMargin);
        r.Array(ref OrderHead);
        r.Array(ref OpenOrders);
        r.Array(ref PositionHead);
        r.Array(ref Balance);
    }
}
