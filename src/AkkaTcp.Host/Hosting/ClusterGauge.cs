using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;

namespace AkkaTcp.Host.Hosting;

/// <summary>
/// <c>akkatcp.cluster.members{status}</c> on the AkkaTcp meter: the members this node sees, by
/// status (joining, up, leaving, exiting, down; unreachable ones counted under "unreachable"
/// instead), read from the cluster's state at each collection.
/// </summary>
internal sealed class ClusterGauge
{
    private static readonly string[] Statuses = ["joining", "weakly-up", "up", "leaving", "exiting", "down", "removed"];

    public ClusterGauge(IMeterFactory meters, ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        meters.Create(AkkaTcpMetrics.MeterName).CreateObservableGauge("akkatcp.cluster.members", () => Observe(cluster), "{member}",
            "Cluster members this node sees, by status (unreachable ones as status unreachable)");
    }

    private static IEnumerable<Measurement<long>> Observe(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        var counts = new long[Statuses.Length];
        long unreachable = 0;
        foreach (var member in state.Members)
        {
            if (state.Unreachable.Contains(member))
                unreachable++;
            else
                counts[StatusIndex(member.Status)]++;
        }
        for (var i = 0; i < Statuses.Length; i++)
            yield return new Measurement<long>(counts[i], new KeyValuePair<string, object?>("status", Statuses[i]));
        yield return new Measurement<long>(unreachable, new KeyValuePair<string, object?>("status", "unreachable"));
    }

    private static int StatusIndex(MemberStatus status) => status switch
    {
        MemberStatus.Joining => 0,
        MemberStatus.WeaklyUp => 1,
        MemberStatus.Up => 2,
        MemberStatus.Leaving => 3,
        MemberStatus.Exiting => 4,
        MemberStatus.Down => 5,
        _ => 6,
    };

    /// <summary>The members as `ctl cluster` lists them.</summary>
    public static IEnumerable<(string Address, string Status, bool Reachable, bool Leader, bool Self, string Roles)> Members(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        foreach (var member in state.Members)
        {
            yield return (member.Address.ToString(), Statuses[StatusIndex(member.Status)], !state.Unreachable.Contains(member),
                member.Address.Equals(state.Leader), member.Address.Equals(cluster.SelfAddress), string.Join(",", member.Roles));
        }
    }
}
