namespace AkkaTcp.Configuration;

/// <summary>Application heartbeat: a ping after <see cref="Interval"/> of silence; close after <see cref="Misses"/> in a row.</summary>
public sealed record HeartbeatSettings(TimeSpan Interval, int Misses)
{
    public bool Enabled => Interval > TimeSpan.Zero;
}
