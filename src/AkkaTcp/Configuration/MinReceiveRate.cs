namespace AkkaTcp.Configuration;

/// <summary>
/// The slowest a client may send a frame it has started (Kestrel's MinRequestBodyDataRate model):
/// after <see cref="GracePeriod"/>, a frame in progress must have come in at
/// <see cref="BytesPerSecond"/> or faster, or the connection is closed with reason min-rate.
/// </summary>
public sealed record MinReceiveRate(int BytesPerSecond, TimeSpan GracePeriod)
{
    public bool Enabled => BytesPerSecond > 0;

    internal static MinReceiveRate Read(ConfigReader config) => new(
        config.Int("bytes-per-second", 0, int.MaxValue),
        config.Duration("grace-period", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1)));
}
