namespace AkkaTcp.Keyspace;

// The partition protocol. Messages carry keys and values as byte arrays and nothing about
// connections, so partitions can later be spread over a cluster (Cluster.Sharding) as they are.
// Times are Unix milliseconds (wall clock), meaningful on any node.

/// <summary>How SET treats an existing key.</summary>
internal enum SetCondition
{
    Always,
    /// <summary>NX: only if the key does not exist.</summary>
    IfMissing,
    /// <summary>XX: only if the key exists.</summary>
    IfExists,
}

internal sealed record GetValue(byte[] Key);

/// <param name="ExpiresAt">Unix ms; 0 = no expiry.</param>
internal sealed record SetValue(byte[] Key, byte[] Value, SetCondition Condition, long ExpiresAt, bool ReturnOld);

internal sealed record DeleteKey(byte[] Key);

internal sealed record KeyExists(byte[] Key);

internal sealed record IncrementBy(byte[] Key, long Delta);

internal sealed record AppendValue(byte[] Key, byte[] Value);

internal sealed record ValueLength(byte[] Key);

/// <param name="ExpiresAt">Unix ms; 0 = persist (remove the expiry).</param>
internal sealed record SetExpiry(byte[] Key, long ExpiresAt);

internal sealed record GetTimeToLive(byte[] Key);

internal sealed record ListKeys(byte[] Pattern);

internal sealed class CountKeys
{
    public static readonly CountKeys Instance = new();
}

/// <summary>Asks for the counts INFO keyspace reports; answered with <see cref="KeysDescription"/>.</summary>
internal sealed class DescribeKeys
{
    public static readonly DescribeKeys Instance = new();
}

internal sealed class FlushKeys
{
    public static readonly FlushKeys Instance = new();
}

/// <summary>
/// Requests handled in order and answered with one <see cref="KeyspaceResults"/> holding their
/// replies in the same order, and the same <paramref name="Tag"/> (the asker's own mark, e.g. which
/// partition it asked): a connection asks many things at once by plain messages, with no Ask and
/// no id per request.
/// </summary>
internal sealed record KeyspaceBatch(int Tag, object[] Requests);

internal sealed record KeyspaceResults(int Tag, object[] Replies);

// Replies.

internal sealed record ValueReply(byte[]? Value)
{
    public static readonly ValueReply Missing = new((byte[]?)null);
}

internal sealed record SetReply(bool Written, byte[]? Old)
{
    public static readonly SetReply Done = new(true, null);
    public static readonly SetReply NotDone = new(false, null);

    public static SetReply Of(bool written, byte[]? old) => old is not null ? new(written, old) : written ? Done : NotDone;
}

internal sealed record CountReply(long Count);

/// <summary>A Redis error text (without the leading '-').</summary>
internal sealed record ErrorReply(string Message);

internal sealed record KeysReply(IReadOnlyList<byte[]> Keys);

/// <summary>A partition's keys, those with an expiry, and the sum of their remaining times to live (ms).</summary>
internal sealed record KeysDescription(long Keys, long Expires, long TtlTotalMilliseconds);
