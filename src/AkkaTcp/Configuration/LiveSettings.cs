namespace AkkaTcp.Configuration;

/// <summary>
/// Which server settings a running server can take without a restart
/// (<see cref="AkkaTcpServer.UpdateSettingsAsync"/>): limits, timeouts, watermarks, rates and the
/// heartbeat's timing. The rest (address, protocol and its own block, transport, socket options,
/// dispatcher, frame size, write batching, turning the heartbeat on or off) is fixed at start.
/// </summary>
internal static class LiveSettings
{
    /// <summary>The HOCON keys of a server block that apply live; any other key that changes needs a restart.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        "max-connections", "over-limit", "max-queued-connections", "queue-timeout", "max-connections-per-ip",
        "max-accept-rate-per-ip.per-second", "max-accept-rate-per-ip.burst", "max-in-flight",
        "idle-timeout", "handshake-timeout", "write-timeout", "close-timeout", "drain-timeout",
        "min-receive-rate.bytes-per-second", "min-receive-rate.grace-period",
        "write-high-water-mark", "write-low-water-mark", "max-pending-write-bytes",
        "heartbeat.interval", "heartbeat.misses",
        "alarms.connections-above", "alarms.waiting-above", "alarms.cooldown",
    };

    /// <summary>Why <paramref name="next"/> cannot replace <paramref name="current"/> on a running server, or null if it can.</summary>
    public static string? RestartNeeded(ServerSettings current, ServerSettings next)
    {
        if (current.Name != next.Name)
            return "a different server";
        if (!current.EndPoint.Equals(next.EndPoint))
            return "its address changed";
        if (current.ProtocolName != next.ProtocolName || current.Transport != next.Transport)
            return "its protocol changed";
        if (current.Backlog != next.Backlog || current.Socket != next.Socket || current.SocketChunkSize != next.SocketChunkSize)
            return "its socket options changed";
        if (current.Dispatcher != next.Dispatcher)
            return "its dispatcher changed";
        if (current.MaxFrameSize != next.MaxFrameSize || current.AckEveryWrites != next.AckEveryWrites || current.Datagram != next.Datagram)
            return "its framing changed";
        if (current.Heartbeat.Enabled != next.Heartbeat.Enabled)
            return "its heartbeat was turned on or off";
        if (current.FixedPart is not null && next.FixedPart is not null && current.FixedPart != next.FixedPart)
            return "a setting other than limits, timeouts, watermarks and rates changed (e.g. the protocol's own block)";
        return null;
    }
}
