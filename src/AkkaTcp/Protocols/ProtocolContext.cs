using AkkaTcp.Configuration;

namespace AkkaTcp.Protocols;

/// <summary>
/// What a protocol is given when a server creates it at start-up: the server's name, the server
/// settings it may need (frame-size limit, heartbeat, the dispatcher its connections run on, for
/// actors that serve them), already validated, and its configuration block, from which the
/// protocol reads (and so validates) its own keys, and where it records its metrics.
/// </summary>
public sealed record ProtocolContext(string ServerName, int MaxFrameSize, HeartbeatSettings Heartbeat, string Dispatcher, ConfigReader Config)
{
    /// <summary>Where the protocol records request durations and its own gauges.</summary>
    public ProtocolMetrics Metrics { get; init; } = new(ServerName, "unknown");
}
