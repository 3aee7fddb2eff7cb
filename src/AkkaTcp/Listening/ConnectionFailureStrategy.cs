using Akka.Actor;
using Akka.Event;

namespace AkkaTcp.Listening;

/// <summary>
/// How a listener supervises its connections: a failed connection is stopped, never restarted
/// (its socket cannot be rebuilt), and the failure is logged once with the connection's id and
/// remote endpoint. Other connections are untouched (one-for-one).
/// </summary>
internal sealed class ConnectionFailureStrategy : OneForOneStrategy
{
    private readonly Func<IActorRef, string> _describe;

    public ConnectionFailureStrategy(Func<IActorRef, string> describe)
        : base(_ => Directive.Stop)
    {
        _describe = describe;
    }

    protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive)
    {
        var error = cause is ActorInitializationException { InnerException: { } inner } ? inner : cause;
        context.GetLogger().Error(error, "Connection {Connection} failed and was reset: {Error}", _describe(child), error.Message);
    }
}
