using System.Buffers;

namespace Engine.Gateway.Buffers;

/// <summary>Fixed-size blocks for the send pipe, kept for reuse by one connection alone (client send pipe, server session pipes).</summary>
/// <remarks>
/// Why not the shared array pool (the pipe's default): in the common case it would do (the allocation test passes with
/// it too), but it keeps a bounded number of arrays per size and core (32 by default), silently drops returns beyond that,
/// and trims on gen-2 collections; the send loop returns on other threads what the caller rented. So a burst larger than
/// that bound, or a collection, makes later sends allocate again. Here a block and its owner object are allocated once,
/// when the pipe first needs that many, and cycle through a stack after that, so a steady stream of <c>TrySend</c> calls
/// allocates nothing. Blocks are never trimmed; the high-water mark is bounded by what the connection buffers
/// (<see cref="Client.EngineClientOptions.SendBufferLimit"/> plus unflushed writes) and freed with the connection.
/// </remarks>
internal sealed class BlockMemoryPool : MemoryPool<byte>
{
    private readonly Lock _lock = new();
    private readonly Stack<PooledBlock> _free = new(64);
    private readonly int _blockSize;
    private bool _disposed;

    public BlockMemoryPool(int blockSize) => _blockSize = blockSize;

    public override int MaxBufferSize => _blockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, _blockSize);
        lock (_lock)
        {
            if (_free.TryPop(out var block)) return block;
        }
        return new PooledBlock(this, new byte[_blockSize]);
    }

    internal void Return(PooledBlock block)
    {
        lock (_lock)
        {
            if (!_disposed) _free.Push(block);
        }
    }

    protected override void Dispose(bool disposing)
    {
        lock (_lock)
        {
            _disposed = true;
            _free.Clear();
        }
    }
}
