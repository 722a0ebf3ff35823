using System.Buffers;

namespace Engine.LoadTest.Gateway;

/// <summary>The gateway's per-session block pool (<c>Engine.Gateway.Buffers.BlockMemoryPool</c>, internal there), copied for the transport test.</summary>
/// <remarks>Blocks of one size, allocated when first needed and then cycled through a stack: a steady stream allocates nothing.</remarks>
public sealed class BenchBlockPool : MemoryPool<byte>
{
    private readonly Lock _lock = new();
    private readonly Stack<BenchBlock> _free = new(64);
    private readonly int _blockSize;
    private bool _disposed;

    /// <summary>A pool of <paramref name="blockSize"/>-byte blocks.</summary>
    public BenchBlockPool(int blockSize) => _blockSize = blockSize;

    /// <inheritdoc/>
    public override int MaxBufferSize => _blockSize;

    /// <inheritdoc/>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, _blockSize);
        lock (_lock)
        {
            if (_free.TryPop(out var block)) return block;
        }
        return new BenchBlock(this, new byte[_blockSize]);
    }

    /// <summary>Takes a block back.</summary>
    internal void Return(BenchBlock block)
    {
        lock (_lock)
        {
            if (!_disposed) _free.Push(block);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        lock (_lock)
        {
            _disposed = true;
            _free.Clear();
        }
    }
}
