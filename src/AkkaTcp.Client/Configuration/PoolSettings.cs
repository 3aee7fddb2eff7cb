using AkkaTcp.Configuration;

namespace AkkaTcp.Client;

/// <summary>Settings of a connection pool (<c>akka-tcp.client.pool</c>). Zero durations mean "never".</summary>
public sealed record PoolSettings
{
    public required int MaxConnections { get; init; }

    public required int MinIdle { get; init; }

    public required TimeSpan IdleTimeout { get; init; }

    public required TimeSpan MaxLifetime { get; init; }

    public required TimeSpan AcquireTimeout { get; init; }

    /// <summary>Ping a connection idle this long before handing it out; null = never.</summary>
    public required TimeSpan? HealthCheckAfterIdle { get; init; }

    public required TimeSpan ReconnectMinBackoff { get; init; }

    public required TimeSpan ReconnectMaxBackoff { get; init; }

    public static PoolSettings Read(ConfigReader config)
    {
        var maxConnections = config.Int("max-connections", 1, 100_000);
        var settings = new PoolSettings
        {
            MaxConnections = maxConnections,
            MinIdle = config.Int("min-idle", 0, maxConnections),
            IdleTimeout = config.Duration("idle-timeout", TimeSpan.Zero, TimeSpan.FromDays(1)),
            MaxLifetime = config.Duration("max-lifetime", TimeSpan.Zero, TimeSpan.FromDays(365)),
            AcquireTimeout = config.Duration("acquire-timeout", TimeSpan.Zero, TimeSpan.FromHours(1)),
            HealthCheckAfterIdle = config.String("health-check-after-idle") is "off" or "false" or "no"
                ? null
                : config.Duration("health-check-after-idle", TimeSpan.Zero, TimeSpan.FromDays(1)),
            ReconnectMinBackoff = config.Duration("reconnect-min-backoff", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
            ReconnectMaxBackoff = config.Duration("reconnect-max-backoff", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
        };
        if (settings.ReconnectMaxBackoff < settings.ReconnectMinBackoff)
            throw new InvalidConfigException(config.FullKey("reconnect-max-backoff"), settings.ReconnectMaxBackoff.ToString(), $"must not be below reconnect-min-backoff ({settings.ReconnectMinBackoff})");
        return settings;
    }
}
