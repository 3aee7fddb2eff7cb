using System.Net;
using Akka.Actor;
using Akka.Event;
using AkkaTcp.Configuration;

namespace AkkaTcp.Listening;

/// <summary>
/// The root of one server: owns its listener (and through it every connection), reports when the
/// port is open or could not be opened, and answers queries. States: <see cref="Starting"/> until
/// the first bind's outcome, then <see cref="Running"/>.
/// </summary>
internal sealed class ServerSupervisor : UntypedActor
{
    private readonly ServerSettings _settings;
    private readonly ServerMetrics _metrics;
    private readonly List<IActorRef> _waitingForStart = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _listener = ActorRefs.Nobody;
    private EndPoint? _boundEndPoint;
    private string _listenerFailure = "the listener stopped";

    public ServerSupervisor(ServerSettings settings, ServerMetrics metrics)
    {
        _settings = settings;
        _metrics = metrics;
    }

    protected override void PreStart()
    {
        _settings.Protocol.Start(Context);
        _listener = _settings.Transport == Transport.Udp
            ? Context.ActorOf(Props.Create<Datagrams.DatagramListener>(_settings), "udp-listener")
            : Context.ActorOf(Props.Create<Listener>(_settings, _metrics), "listener");
        Context.Watch(_listener);
        Become(Starting);
    }

    protected override void PostStop() => _metrics.Metrics.Release(_metrics);

    protected override SupervisorStrategy SupervisorStrategy() =>
        new ServerChildFailureStrategy(cause => _listenerFailure = cause.Message);

    protected override void OnReceive(object message) => Unhandled(message);

    private void Starting(object message)
    {
        switch (message)
        {
            case WhenStarted:
                _waitingForStart.Add(Sender);
                break;
            case ListenerBound bound:
                _boundEndPoint = bound.LocalEndPoint;
                ReplyToWaiting(new ServerStarted(bound.LocalEndPoint));
                Become(Running);
                break;
            case ListenerBindFailed failed:
                var error = $"server '{_settings.Name}' cannot listen on {_settings.EndPoint}: {failed.Reason}";
                ReplyToWaiting(new ServerStartFailed(error));
                Context.Stop(Self);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_listener):
                ReplyToWaiting(new ServerStartFailed($"server '{_settings.Name}' cannot start: {_listenerFailure}"));
                Context.Stop(Self);
                break;
            case GetServerStats:
                _listener.Forward(message);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Running(object message)
    {
        switch (message)
        {
            case WhenStarted:
                Sender.Tell(new ServerStarted(_boundEndPoint!));
                break;
            case ListenerBound bound:
                _log.Info("Server {Server} listening again on {EndPoint}", _settings.Name, bound.LocalEndPoint);
                break;
            case GetServerStats or Listener.GetTcpListener or Listener.InjectFault or StopAccepting or DrainConnections or UnbindListener or UpdateSettings or ListConnections or KickConnections or SetSuspended:
                _listener.Forward(message);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_listener):
                _log.Error("Server {Server} stopped: {Reason}", _settings.Name, _listenerFailure);
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void ReplyToWaiting(object reply)
    {
        foreach (var waiting in _waitingForStart)
            waiting.Tell(reply);
        _waitingForStart.Clear();
    }

    /// <summary>Answered with <see cref="ServerStarted"/> or <see cref="ServerStartFailed"/> once the first bind is decided.</summary>
    internal sealed class WhenStarted
    {
        public static readonly WhenStarted Instance = new();
    }

    internal sealed record ServerStarted(EndPoint LocalEndPoint);

    internal sealed record ServerStartFailed(string Error);
}
