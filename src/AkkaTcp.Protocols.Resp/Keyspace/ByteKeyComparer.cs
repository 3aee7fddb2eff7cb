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
    /// so every node of a future cluster agrees where a key lives. As in Redis Cluster, a key with
    /// a hash tag — a non-empty part between its first '{' and the next '}' — is placed by that
    /// part alone, so <c>{user1}:name</c> and <c>{user1}:cart</c> share a partition and commands
    /// on both (RENAME, LMOVE, MSETNX, ...) are atomic.
    /// </summary>
    public static int Partition(ReadOnlySpan<byte> key, int partitions)
    {
        var open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            var close = key[(open + 1)..].IndexOf((byte)'}');
            if (close > 0)
                key = key.Slice(open + 1, close);
        }
        var hash = 2166136261u;
        foreach (var b in key)
            hash = (hash ^ b) * 16777619u;
        return (int)(hash % (uint)partitions);
    }
}
