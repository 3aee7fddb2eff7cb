using Akka.Actor;
using Akka.Event;

namespace AkkaTcp.Listening;

/// <summary>
/// How a server supervises its own children (the listener, protocol actors such as resp's keyspace
/// partitions). A child that fails at start is stopped, not restarted in a loop: for the listener
/// that ends the server, reported by the supervisor. A later failure is logged as an error with its
/// stack trace and the child resumes with its state: a restart would stop every connection (the
/// listener's children) or drop a partition's keys, and a re-bind could fail on the port Akka.IO
/// still holds. What failed is one message; everything it did not touch goes on being served.
/// </summary>
internal sealed class ServerChildFailureStrategy(Action<Exception> onStartFailure)
    : OneForOneStrategy(cause =>
    {
        if (cause is not ActorInitializationException)
            return Directive.Resume;
        onStartFailure(cause.InnerException ?? cause);
        return Directive.Stop;
    })
{
    protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive)
    {
        var error = cause is ActorInitializationException { InnerException: { } inner } ? inner : cause;
        var outcome = directive == Directive.Resume ? "resumed with its state" : "stopped";
        context.GetLogger().Error(error, "{Child} failed and was {Outcome}: {Error}", child.Path.ToStringWithoutAddress(), outcome, error.Message);
    }
}
