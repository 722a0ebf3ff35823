using System.Buffers;

namespace Engine.LoadTest.Gateway;

/// <summary>One block of a <see cref="BenchBlockPool"/>; disposing it gives it back.</summary>
public sealed class BenchBlock : IMemoryOwner<byte>
{
    private readonly BenchBlockPool _pool;
    private readonly byte[] _array;

    internal BenchBlock(BenchBlockPool pool, byte[] array)
    {
        _pool = pool;
        _array = array;
    }

    /// <inheritdoc/>
    public Memory<byte> Memory => _array;

    /// <inheritdoc/>
    public void Dispose() => _pool.Return(this);
}
