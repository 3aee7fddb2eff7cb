using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Event;

namespace AkkaTcp.Listening;

/// <summary>
/// How a listener supervises its connections: a failed connection is stopped, never restarted
/// (its socket cannot be rebuilt), the failure is logged once with the connection's id and
/// remote endpoint, and the listener is told (it does not watch its connections). Other
/// connections are untouched (one-for-one).
/// </summary>
internal sealed class ConnectionFailureStrategy : OneForOneStrategy
{
    private readonly Func<IActorRef, string> _describe;
    private readonly Action<IActorRef> _stopped;

    public ConnectionFailureStrategy(Func<IActorRef, string> describe, Action<IActorRef> stopped)
        : base(_ => Directive.Stop)
    {
        _describe = describe;
        _stopped = stopped;
    }

    public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause, ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
    {
        base.ProcessFailure(context, restart, child, cause, stats, children);
        _stopped(child);
    }

    protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive)
    {
        var error = cause is ActorInitializationException { InnerException: { } inner } ? inner : cause;
        context.GetLogger().Error(error, "Connection {Connection} failed and was reset: {Error}", _describe(child), error.Message);
    }
}
