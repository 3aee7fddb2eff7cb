namespace AkkaTcp.Keyspace;

/// <summary>Compares byte-array keys by content (keys are binary-safe).</summary>
internal sealed class ByteKeyComparer : IEqualityComparer<byte[]>
{
    public static readonly ByteKeyComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    /// <summary>
    /// The partition of a key: FNV-1a, stable across processes and machines (unlike HashCode),
    /// so every node of a future cluster agrees where a key lives.
    /// </summary>
    public static int Partition(ReadOnlySpan<byte> key, int partitions)
    {
        var hash = 2166136261u;
        foreach (var b in key)
            hash = (hash ^ b) * 16777619u;
        return (int)(hash % (uint)partitions);
    }
}
