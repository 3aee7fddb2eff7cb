using AkkaTcp.Configuration;

namespace AkkaTcp.Host.Hosting;

/// <summary>
/// <c>akka-tcp.cluster</c>: whether the host joins an Akka.Cluster, on which remoting endpoint,
/// through which seed nodes, and how fast an unreachable member is downed.
/// </summary>
internal sealed record ClusterSettings(
    bool Enabled, string Hostname, int Port, string PublicHostname, IReadOnlyList<string> SeedNodes, IReadOnlyList<string> Roles,
    TimeSpan StableAfter, TimeSpan AcceptableHeartbeatPause)
{
    /// <summary>The actor system's name, part of every node's address (akka.tcp://akka-tcp@host:port).</summary>
    public const string SystemName = "akka-tcp";

    public static ClusterSettings Read(ConfigReader config)
    {
        var seeds = config.StringList("seed-nodes");
        foreach (var seed in seeds)
        {
            if (!Akka.Actor.Address.TryParse(seed, out var address) || address.System != SystemName || address.Host is null || address.Port is null)
                throw new InvalidConfigException(config.FullKey("seed-nodes"), seed, $"must be a node address like \"akka.tcp://{SystemName}@10.0.0.1:4053\"");
        }
        return new(
            config.Bool("enabled"),
            config.String("hostname"),
            config.Int("port", 0, 65535),
            config.OptionalString("public-hostname"),
            seeds,
            config.StringList("roles"),
            config.Duration("down-unreachable-after", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            config.Duration("acceptable-heartbeat-pause", TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10)));
    }
}
