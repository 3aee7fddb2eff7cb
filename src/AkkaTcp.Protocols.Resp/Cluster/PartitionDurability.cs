namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// resp.snapshot-interval in cluster mode: how often a partition whose keys changed saves a
/// snapshot, the persistence id each partition saves under (the same on every member, so a
/// partition finds its snapshot wherever it starts), and the counts INFO persistence shows.
/// </summary>
internal sealed record PartitionDurability(TimeSpan Interval, string ServerName, SnapshotStats Stats)
{
    public string PersistenceId(int partition) => $"resp-{ServerName}-partition-{partition}";
}
