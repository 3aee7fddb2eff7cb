namespace AkkaTcp.Configuration;

/// <summary>Options set on every accepted socket (keepalive, no-delay, buffer sizes; 0 = OS default).</summary>
public sealed record SocketSettings(
    bool KeepAlive,
    TimeSpan KeepAliveTime,
    TimeSpan KeepAliveInterval,
    int KeepAliveCount,
    bool NoDelay,
    int ReceiveBufferSize,
    int SendBufferSize);
