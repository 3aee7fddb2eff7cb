using Akka.Configuration;
using AkkaTcp.Configuration;

namespace AkkaTcp.Client;

/// <summary>
/// Settings of every client connection, read and validated once from <c>akka-tcp.client</c>
/// (defaults in the embedded client.conf, where each key is explained).
/// </summary>
public sealed record ClientSettings
{
    /// <summary>The embedded defaults.</summary>
    public static ClientSettings Default { get; } = Load(ConfigurationFactory.Empty);

    public required TimeSpan ConnectTimeout { get; init; }

    /// <summary>Default per-request timeout; <see cref="TimeSpan.Zero"/> means none.</summary>
    public required TimeSpan RequestTimeout { get; init; }

    public required int MaxInFlight { get; init; }

    public required int MaxFrameSize { get; init; }

    public required TimeSpan CloseTimeout { get; init; }

    public required SocketSettings Socket { get; init; }

    public required PoolSettings Pool { get; init; }

    /// <summary>TLS for every dialled connection (off by default).</summary>
    public ClientTlsSettings Tls { get; init; } = ClientTlsSettings.Off;

    /// <summary>Reads <c>akka-tcp.client</c> from <paramref name="config"/> over the embedded defaults.</summary>
    /// <exception cref="InvalidConfigException">A value is missing or out of range; the message names the key.</exception>
    public static ClientSettings Load(Config config) =>
        Read(new ConfigReader(config.WithFallback(ClientConfig.Reference).GetConfig("akka-tcp.client"), "akka-tcp.client"));

    public static ClientSettings Read(ConfigReader config) => new()
    {
        ConnectTimeout = config.Duration("connect-timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
        RequestTimeout = config.Duration("request-timeout", TimeSpan.Zero, TimeSpan.FromDays(1)),
        MaxInFlight = config.Int("max-in-flight", 1, 1_000_000),
        MaxFrameSize = config.ByteSize("max-frame-size", 16, 1 << 30),
        CloseTimeout = config.Duration("close-timeout", TimeSpan.Zero, TimeSpan.FromHours(1)),
        Socket = SocketSettings.Read(config),
        Pool = PoolSettings.Read(config.Section("pool")),
        Tls = ClientTlsSettings.Read(config.Section("tls")),
    };
}
