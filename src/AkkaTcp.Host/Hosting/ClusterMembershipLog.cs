using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace AkkaTcp.Host.Hosting;

/// <summary>One log line per membership change the operator cares about: up, left, unreachable, reachable again, downed, removed.</summary>
internal sealed class ClusterMembershipLog : UntypedActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);

    // Members up, as the events say so far. Cluster.State lags the events it is built from: counted
    // from it, a member's own up line could say 0 and the next member's 1.
    private readonly HashSet<UniqueAddress> _up = [];

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        if (message is ClusterEvent.MemberStatusChange change)
        {
            if (change.Member.Status == MemberStatus.Up)
                _up.Add(change.Member.UniqueAddress);
            else
                _up.Remove(change.Member.UniqueAddress);
        }
        switch (message)
        {
            case ClusterEvent.MemberUp up:
                _log.Info("Cluster member up: {Address} (members up: {Count})", up.Member.Address, UpCount());
                break;
            case ClusterEvent.MemberLeft left:
                _log.Info("Cluster member leaving: {Address}", left.Member.Address);
                break;
            case ClusterEvent.MemberExited exited:
                _log.Info("Cluster member exiting: {Address}", exited.Member.Address);
                break;
            case ClusterEvent.MemberDowned downed:
                _log.Warning("Cluster member downed: {Address}", downed.Member.Address);
                break;
            case ClusterEvent.MemberRemoved removed:
                _log.Info("Cluster member removed: {Address} (was {Status}; members up: {Count})", removed.Member.Address, removed.PreviousStatus, UpCount());
                break;
            case ClusterEvent.UnreachableMember unreachable:
                _log.Warning("Cluster member unreachable: {Address}", unreachable.Member.Address);
                break;
            case ClusterEvent.ReachableMember reachable:
                _log.Info("Cluster member reachable again: {Address}", reachable.Member.Address);
                break;
        }
    }

    private int UpCount() => _up.Count;
}
