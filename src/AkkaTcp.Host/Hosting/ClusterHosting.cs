using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace AkkaTcp.Host.Hosting;

/// <summary>
/// Turns <see cref="ClusterSettings"/> into the actor system's cluster: Akka.Remote on the
/// configured endpoint, the seed nodes (none: this node forms a cluster of its own), the
/// split-brain resolver keeping the majority, and the membership log. CoordinatedShutdown's own
/// order makes a node leave after its servers have drained (service-requests-done comes before
/// the cluster's phases), with its sharded partitions handed off to the members that stay.
/// </summary>
internal static class ClusterHosting
{
    /// <summary>Akka.Remote's largest message: a request or reply carrying a big resp value crosses nodes whole.</summary>
    private const long MaxFrameSize = 64L * 1024 * 1024;

    public static void Configure(AkkaConfigurationBuilder akka, ClusterSettings cluster)
    {
        akka.WithRemoting(new RemoteOptions
        {
            HostName = cluster.Hostname,
            Port = cluster.Port,
            PublicHostName = cluster.PublicHostname.Length > 0 ? cluster.PublicHostname : null,
            MaxFrameSize = MaxFrameSize,
        });
        akka.WithClustering(new ClusterOptions
        {
            SeedNodes = cluster.SeedNodes.Count > 0 ? [.. cluster.SeedNodes] : null,
            Roles = cluster.Roles.Count > 0 ? [.. cluster.Roles] : null,
            SplitBrainResolver = new KeepMajorityOption(),
        });
        akka.AddHocon($$"""
            akka.cluster {
              split-brain-resolver.stable-after = {{(long)cluster.StableAfter.TotalMilliseconds}}ms
              failure-detector.acceptable-heartbeat-pause = {{(long)cluster.AcceptableHeartbeatPause.TotalMilliseconds}}ms
              # The resolver decides who is downed; membership changes are logged by ClusterMembershipLog.
              log-info = off
              # A rebalance waits this long at most for every region's acknowledgement: a member
              # killed while partitions were moving holds them no longer than this (Akka's default: 60s).
              sharding.handoff-timeout = 10s
            }
            """, HoconAddMode.Prepend);
        akka.AddStartup((system, _) =>
        {
            system.ActorOf(Props.Create<ClusterMembershipLog>(), "cluster-membership-log");
            if (cluster.SeedNodes.Count == 0)
            {
                var self = Akka.Cluster.Cluster.Get(system);
                self.Join(self.SelfAddress);
            }
        });
    }
}
