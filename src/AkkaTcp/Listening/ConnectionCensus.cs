using Akka.Actor;
using AkkaTcp.Connections;

namespace AkkaTcp.Listening;

/// <summary>
/// Asks every connection of a server for its <see cref="ConnectionSnapshot"/> and answers the
/// requester with all of them, oldest first, then stops. A connection that stops first is left out;
/// one that has not answered within the deadline is too, so a list never waits on a wedged actor.
/// </summary>
internal sealed class ConnectionCensus : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly IActorRef _requester;
    private readonly HashSet<IActorRef> _waitingFor;
    private readonly List<ConnectionSnapshot> _snapshots = new();

    public ConnectionCensus(IReadOnlyCollection<IActorRef> connections, IActorRef requester)
    {
        _requester = requester;
        _waitingFor = new HashSet<IActorRef>(connections);
        Receive<ConnectionSnapshot>(snapshot =>
        {
            _snapshots.Add(snapshot);
            Answered(Sender);
        });
        Receive<Terminated>(terminated => Answered(terminated.ActorRef));
        Receive<DeadlinePassed>(_ => Finish());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        foreach (var connection in _waitingFor)
        {
            Context.Watch(connection);
            connection.Tell(Connection.Describe.Instance);
        }
        Timers.StartSingleTimer(DeadlinePassed.Instance, DeadlinePassed.Instance, Deadline);
        if (_waitingFor.Count == 0)
            Finish();
    }

    private void Answered(IActorRef connection)
    {
        if (_waitingFor.Remove(connection) && _waitingFor.Count == 0)
            Finish();
    }

    private void Finish()
    {
        _snapshots.Sort((a, b) => a.Id.CompareTo(b.Id));
        _requester.Tell(_snapshots.ToArray());
        Context.Stop(Self);
    }

    private sealed class DeadlinePassed
    {
        public static readonly DeadlinePassed Instance = new();
    }
}
