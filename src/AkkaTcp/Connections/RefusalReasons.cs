namespace AkkaTcp.Connections;

/// <summary>Why a connection was refused unserved: the <c>reason</c> tag of <c>akkatcp.rejected_connections</c>.</summary>
internal static class RefusalReasons
{
    public const string MaxConnections = "max-connections";
    public const string MaxConnectionsPerIp = "max-connections-per-ip";
    public const string QueueFull = "queue-full";
    public const string QueueTimeout = "queue-timeout";
    public const string ShuttingDown = "shutting-down";
    public const string RateLimited = "rate-limited";
    public const string Suspended = "suspended";
    public const string ProxyProtocol = "proxy-protocol";
}
