namespace AkkaTcp.Configuration;

/// <summary>
/// Options set on every socket, accepted by a server or dialled by the client: keepalive,
/// no-delay, buffer sizes (0 = OS default). Both read the same keys through <see cref="Read"/>.
/// </summary>
public sealed record SocketSettings(
    bool KeepAlive,
    TimeSpan KeepAliveTime,
    TimeSpan KeepAliveInterval,
    int KeepAliveCount,
    bool NoDelay,
    int ReceiveBufferSize,
    int SendBufferSize)
{
    private const int MaxBufferSize = 1 << 30;

    /// <summary>Reads <c>keepalive { enabled, time, interval, count }</c>, <c>tcp-no-delay</c>, <c>receive-buffer-size</c>, <c>send-buffer-size</c>.</summary>
    public static SocketSettings Read(ConfigReader config)
    {
        var keepalive = config.Section("keepalive");
        return new SocketSettings(
            KeepAlive: keepalive.Bool("enabled"),
            // Linux takes whole seconds for keepalive timing.
            KeepAliveTime: keepalive.Duration("time", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            KeepAliveInterval: keepalive.Duration("interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            KeepAliveCount: keepalive.Int("count", 1, 127),
            NoDelay: config.Bool("tcp-no-delay"),
            ReceiveBufferSize: config.ByteSize("receive-buffer-size", 0, MaxBufferSize),
            SendBufferSize: config.ByteSize("send-buffer-size", 0, MaxBufferSize));
    }
}
