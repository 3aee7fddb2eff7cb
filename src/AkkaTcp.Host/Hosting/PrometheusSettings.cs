using AkkaTcp.Configuration;

namespace AkkaTcp.Host.Hosting;

/// <summary>The scrape endpoint (<c>akka-tcp.metrics.prometheus</c>): served at http://Host:Port/metrics when enabled.</summary>
internal sealed record PrometheusSettings(bool Enabled, string Host, int Port)
{
    public static PrometheusSettings Read(ConfigReader config) =>
        new(config.Bool("enabled"), config.String("host"), config.Int("port", 1, 65535));
}
