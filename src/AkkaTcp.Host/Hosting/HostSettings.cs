using AkkaTcp.Configuration;
using AkkaTcp.Host.Control;

namespace AkkaTcp.Host.Hosting;

/// <summary>The console host's own settings (<c>akka-tcp.host</c>, <c>akka-tcp.metrics</c>, <c>akka-tcp.control</c>, <c>akka-tcp.cluster</c>), validated like the library's.</summary>
internal sealed record HostSettings(int OpenFilesReserve, PrometheusSettings Prometheus, ControlSettings Control, ClusterSettings Cluster)
{
    public const string Path = "akka-tcp.host";

    public static HostSettings Read(Akka.Configuration.Config config)
    {
        var root = new ConfigReader(config, "");
        return new(
            root.Section(Path).Int("open-files-reserve", 0, 1_000_000),
            PrometheusSettings.Read(root.Section("akka-tcp.metrics.prometheus")),
            ControlSettings.Read(root.Section("akka-tcp.control")),
            ClusterSettings.Read(root.Section("akka-tcp.cluster")));
    }
}
