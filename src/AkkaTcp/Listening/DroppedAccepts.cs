using Akka.Actor;
using Akka.Event;

namespace AkkaTcp.Listening;

/// <summary>
/// Works around an Akka.IO 1.5.74 race: its TcpListener starts accepting before it handles its
/// own bind result, and an accept that completes in between reaches it while it is still binding,
/// is unhandled and dropped. The accepted socket then leaks and its client waits forever (the
/// first client of a server that connects as the port opens). Unhandled messages are published on
/// the event stream, so the listener subscribes, picks out the dropped accepts of its own Akka.IO
/// listener, and hands them back once that listener is bound, which serves them as usual.
/// </summary>
internal sealed class DroppedAccepts
{
    // Akka.IO's private message: "the accept on this SocketAsyncEventArgs completed".
    private const string AcceptCompleted = "Akka.IO.TcpListener+AcceptCompleted";

    private readonly List<UnhandledMessage> _waiting = new();

    public static void Subscribe(IActorContext context) => context.System.EventStream.Subscribe(context.Self, typeof(UnhandledMessage));

    /// <summary>
    /// An unhandled message seen on the event stream: a dropped accept of <paramref name="bound"/>
    /// (our Akka.IO listener once bound) goes back to it; one whose listener is not known yet waits
    /// for <see cref="OnBound"/>. Anything else is not ours and is ignored.
    /// </summary>
    public void OnUnhandled(UnhandledMessage unhandled, IActorRef? bound)
    {
        if (unhandled.Message?.GetType().FullName != AcceptCompleted)
            return;
        if (bound is null)
            _waiting.Add(unhandled);
        else if (unhandled.Recipient.Equals(bound))
            bound.Tell(unhandled.Message, ActorRefs.NoSender);
    }

    /// <summary>Our Akka.IO listener is bound: hands back the accepts it dropped meanwhile.</summary>
    public void OnBound(IActorRef tcpListener)
    {
        foreach (var unhandled in _waiting)
        {
            if (unhandled.Recipient.Equals(tcpListener))
                tcpListener.Tell(unhandled.Message, ActorRefs.NoSender);
        }
        _waiting.Clear();
    }
}
