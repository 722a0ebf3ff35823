using System.Buffers;

namespace Engine.Gateway.Buffers;

/// <summary>One block of a <see cref="BlockMemoryPool"/>; disposing it gives it back.</summary>
internal sealed class PooledBlock : IMemoryOwner<byte>
{
    private readonly BlockMemoryPool _pool;
    private readonly byte[] _array;

    public PooledBlock(BlockMemoryPool pool, byte[] array)
    {
        _pool = pool;
        _array = array;
    }

    public Memory<byte> Memory => _array;

    public void Dispose() => _pool.Return(this);
}
