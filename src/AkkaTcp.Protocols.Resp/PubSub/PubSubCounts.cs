namespace AkkaTcp.Protocols.Resp.PubSub;

/// <summary>
/// What INFO reports of pub/sub: the broker's channel and pattern counts (written by the broker,
/// read by any connection) and the subscribers cut for passing the output limits.
/// </summary>
internal sealed class PubSubCounts
{
    private long _channels;
    private long _patterns;
    private long _cut;

    public long Channels => Volatile.Read(ref _channels);
    public long Patterns => Volatile.Read(ref _patterns);
    public long OutputLimitDisconnections => Interlocked.Read(ref _cut);

    public void Set(int channels, int patterns)
    {
        Volatile.Write(ref _channels, channels);
        Volatile.Write(ref _patterns, patterns);
    }

    public void OnCut() => Interlocked.Increment(ref _cut);
}
