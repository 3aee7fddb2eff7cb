namespace AkkaTcp.Keyspace;

/// <summary>
/// How many keys each partition holds, written by the partitions after every message and read by
/// the <c>akkatcp.resp.keyspace.keys</c> gauge from the metrics thread. Expired keys count until swept.
/// </summary>
internal sealed class KeyspaceSize(int partitions)
{
    private readonly long[] _counts = new long[partitions];

    public void Set(int partition, int count) => Volatile.Write(ref _counts[partition], count);

    public long Total()
    {
        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
            total += Volatile.Read(ref _counts[i]);
        return total;
    }
}
