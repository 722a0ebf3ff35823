namespace Engine.State;

/// <summary>Accounts, struct-of-arrays, indexed by the account id (dense, chosen by the admin).</summary>
/// <remarks>
/// <code>
///  Exists       bool
///  OrderHead    int    first slot of the account's open-order list (0 = none), linked through OrderTable.AccNext
///  OpenOrders   int    number of open orders
///  Balance      long   [account · AssetCapacity + asset], 1e-6 units of the asset
/// </code>
/// Arrays start at <c>initialCapacity</c> and double (at CreateAccount only) up to <c>maxAccounts</c>.
/// </remarks>
internal sealed class AccountTable
{
    public bool[] Exists;
    public int[] OrderHead;
    public int[] OpenOrders;
    public long[] Balance;
    public readonly int AssetCapacity;
    public readonly int MaxAccounts;

    public AccountTable(int initialCapacity, int maxAccounts, int assetCapacity)
    {
        MaxAccounts = maxAccounts;
        AssetCapacity = assetCapacity;
        var n = Math.Max(1, Math.Min(initialCapacity, maxAccounts));
        Exists = new bool[n];
        OrderHead = new int[n];
        OpenOrders = new int[n];
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
        Array.Resize(ref OrderHead, n);
        Array.Resize(ref OpenOrders, n);
        Array.Resize(ref Balance, n * AssetCapacity);
    }
}
