namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// What INFO persistence reports of this member's partitions' snapshots: the writes not yet in a
/// saved snapshot (Redis's rdb_changes_since_last_save), when the last one was saved, and whether
/// the last save failed. Written by the partitions, read by INFO from any thread.
/// </summary>
internal sealed class SnapshotStats(int partitions)
{
    private readonly long[] _unsaved = new long[partitions];
    private long _lastSave = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private int _lastFailed;

    public void Unsaved(int partition, long writes) => Volatile.Write(ref _unsaved[partition], writes);

    public void Saved()
    {
        Volatile.Write(ref _lastSave, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Volatile.Write(ref _lastFailed, 0);
    }

    public void Failed() => Volatile.Write(ref _lastFailed, 1);

    public long UnsavedWrites
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _unsaved.Length; i++)
                total += Volatile.Read(ref _unsaved[i]);
            return total;
        }
    }

    /// <summary>Unix seconds of the last save (before any: when this server started, as Redis reports).</summary>
    public long LastSave => Volatile.Read(ref _lastSave);

    public bool LastFailed => Volatile.Read(ref _lastFailed) != 0;
}
