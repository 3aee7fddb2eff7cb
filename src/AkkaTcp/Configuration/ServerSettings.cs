using System.Net;
using AkkaTcp.Protocols;

namespace AkkaTcp.Configuration;

/// <summary>
/// One server's settings, immutable, validated in <see cref="Read"/> (the one place each key of a
/// server block is checked). Defaults and their reasons are in the library's reference.conf.
/// </summary>
public sealed record ServerSettings
{
    private const int MaxSize = 1 << 30;

    public required string Name { get; init; }
    public required IPEndPoint EndPoint { get; init; }
    public required string ProtocolName { get; init; }
    public required IProtocol Protocol { get; init; }

    /// <summary>Its configuration block but the live keys, flattened: when it differs, only a restart applies the new block.</summary>
    internal string? FixedPart { get; init; }

    /// <summary>The live keys of its block, flattened: equal, an update would change nothing.</summary>
    internal string? LivePart { get; init; }

    /// <summary>The metrics handle the protocol was created with, bound to the server's meter at start.</summary>
    internal ProtocolMetrics? ProtocolMetrics { get; init; }

    /// <summary>The dispatcher the server's connection actors run on (akka-tcp.use-dispatcher).</summary>
    public required string Dispatcher { get; init; }
    public required int Backlog { get; init; }
    public required int MaxFrameSize { get; init; }
    public required int WriteHighWaterMark { get; init; }
    public required int WriteLowWaterMark { get; init; }
    public required TimeSpan CloseTimeout { get; init; }
    public required int MaxConnections { get; init; }
    public required OverLimitPolicy OverLimit { get; init; }
    public required int MaxQueuedConnections { get; init; }
    public required TimeSpan QueueTimeout { get; init; }
    /// <summary>0 = no per-address limit.</summary>
    public required int MaxConnectionsPerIp { get; init; }
    /// <summary>Zero = off, for this and the other timeouts.</summary>
    public required TimeSpan IdleTimeout { get; init; }
    public required TimeSpan HandshakeTimeout { get; init; }
    public required TimeSpan WriteTimeout { get; init; }
    public required MinReceiveRate MinReceiveRate { get; init; }
    public AcceptRate AcceptRatePerIp { get; init; } = new(0, 1);
    public AlarmSettings Alarms { get; init; } = new(0, 0, TimeSpan.FromMinutes(1));
    public required int MaxPendingWriteBytes { get; init; }
    public required SocketSettings Socket { get; init; }
    public required HeartbeatSettings Heartbeat { get; init; }
    public required TimeSpan DrainTimeout { get; init; }
    public required int MaxInFlight { get; init; }

    public required Transport Transport { get; init; }

    /// <summary>TLS for this server's connections (off by default).</summary>
    public TlsSettings Tls { get; init; } = TlsSettings.Off;

    /// <summary>Whether clients' first bytes are a PROXY protocol header from a trusted load balancer (off by default).</summary>
    public ProxyProtocolSettings ProxyProtocol { get; init; } = ProxyProtocolSettings.Off;

    /// <summary>
    /// How long a connection's transport handshake (a PROXY header, the TLS handshake) may take:
    /// handshake-timeout when set, else 10 seconds (Kestrel's TLS handshake default), so a
    /// connection that never completes one is never held forever.
    /// </summary>
    internal TimeSpan TransportHandshakeTimeout => HandshakeTimeout > TimeSpan.Zero ? HandshakeTimeout : TimeSpan.FromSeconds(10);

    /// <summary>Akka.IO's maximum-frame-size for this server's connections: bytes per receive and per send.</summary>
    public required int SocketChunkSize { get; init; }

    /// <summary>Small writes go unacknowledged; every this many writes one asks for an ack (1 = every write).</summary>
    public required int AckEveryWrites { get; init; }

    /// <summary>Limits of a UDP server (read for every server, used when <see cref="Transport"/> is udp).</summary>
    public required DatagramSettings Datagram { get; init; }

    /// <summary>Reads and validates one server block (already merged over server-defaults).</summary>
    internal static ServerSettings Read(string name, ConfigReader config, ProtocolCatalog protocols, string dispatcher)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new InvalidConfigException(config.Path, null, "a server name may hold only letters, digits, '-' and '_'");

        var host = config.String("host");
        var port = config.Int("port", 0, 65535);
        var highWater = config.ByteSize("write-high-water-mark", 1, MaxSize);
        var lowWater = config.ByteSize("write-low-water-mark", 0, MaxSize);
        if (lowWater >= highWater)
            throw new InvalidConfigException(config.FullKey("write-low-water-mark"), lowWater.ToString(),
                $"must be below write-high-water-mark ({highWater})");
        var maxPending = config.ByteSize("max-pending-write-bytes", 1, MaxSize);
        if (maxPending <= highWater)
            throw new InvalidConfigException(config.FullKey("max-pending-write-bytes"), maxPending.ToString(),
                $"must be above write-high-water-mark ({highWater})");
        var maxFrameSize = config.ByteSize("max-frame-size", 1, MaxSize);
        var protocolName = config.String("protocol");
        var heartbeat = ReadHeartbeat(config.Section("heartbeat"));
        var transport = config.OneOf("transport", "tcp", "udp") == "udp" ? Transport.Udp : Transport.Tcp;
        var protocolMetrics = new ProtocolMetrics(name, protocolName);
        var fingerprints = config.Fingerprints(LiveSettings.Keys);
        var protocol = protocols.Create(protocolName, config.FullKey("protocol"),
            new ProtocolContext(name, maxFrameSize, heartbeat, dispatcher, config) { Metrics = protocolMetrics });
        if (transport == Transport.Udp && protocol is not Protocols.IDatagramProtocol)
            throw new InvalidConfigException(config.FullKey("protocol"), protocolName, "this protocol cannot serve udp (echo and random can)");
        var tls = TlsSettings.Read(config.Section("tls"));
        var proxyProtocol = ProxyProtocolSettings.Read(config);
        if (transport == Transport.Udp && (tls.Enabled || proxyProtocol.Enabled))
            throw new InvalidConfigException(config.FullKey("transport"), "udp", "tls and proxy-protocol are for tcp servers");

        return new ServerSettings
        {
            Name = name,
            EndPoint = new IPEndPoint(ParseHost(config, host), port),
            ProtocolName = protocolName,
            Backlog = config.Int("backlog", 1, 65535),
            MaxFrameSize = maxFrameSize,
            WriteHighWaterMark = highWater,
            WriteLowWaterMark = lowWater,
            CloseTimeout = config.Duration("close-timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
            MaxConnections = config.Int("max-connections", 1, 10_000_000),
            OverLimit = config.OneOf("over-limit", "queue", "reject") == "queue" ? OverLimitPolicy.Queue : OverLimitPolicy.Reject,
            MaxQueuedConnections = config.Int("max-queued-connections", 0, 10_000_000),
            QueueTimeout = config.Duration("queue-timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1)),
            MaxConnectionsPerIp = config.Int("max-connections-per-ip", 0, 10_000_000),
            IdleTimeout = config.Duration("idle-timeout", TimeSpan.Zero, TimeSpan.FromDays(1)),
            HandshakeTimeout = config.Duration("handshake-timeout", TimeSpan.Zero, TimeSpan.FromDays(1)),
            WriteTimeout = config.Duration("write-timeout", TimeSpan.Zero, TimeSpan.FromDays(1)),
            MinReceiveRate = MinReceiveRate.Read(config.Section("min-receive-rate")),
            AcceptRatePerIp = AcceptRate.Read(config.Section("max-accept-rate-per-ip")),
            Alarms = AlarmSettings.Read(config.Section("alarms")),
            MaxPendingWriteBytes = maxPending,
            Socket = SocketSettings.Read(config),
            Heartbeat = heartbeat,
            DrainTimeout = config.Duration("drain-timeout", TimeSpan.Zero, TimeSpan.FromHours(1)),
            MaxInFlight = config.Int("max-in-flight", 1, 1_000_000),
            Protocol = protocol,
            ProtocolMetrics = protocolMetrics,
            FixedPart = fingerprints.Out,
            LivePart = fingerprints.In,
            Dispatcher = dispatcher,
            Transport = transport,
            SocketChunkSize = config.ByteSize("socket-chunk-size", 512, 16 * 1024 * 1024),
            AckEveryWrites = config.Int("ack-every-writes", 1, 1024),
            Datagram = DatagramSettings.Read(config.Section("udp")),
            Tls = tls,
            ProxyProtocol = proxyProtocol,
        };
    }

    private static HeartbeatSettings ReadHeartbeat(ConfigReader heartbeat) => new(
        heartbeat.Duration("interval", TimeSpan.Zero, TimeSpan.FromDays(1)),
        heartbeat.Int("misses", 1, 1000));

    private static IPAddress ParseHost(ConfigReader config, string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return IPAddress.Loopback;
        if (IPAddress.TryParse(host, out var address))
            return address;
        throw new InvalidConfigException(config.FullKey("host"), host, "must be an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0) or localhost");
    }
}
