using System.Net;
using Akka.Actor;
using Akka.Event;
using AkkaTcp.Configuration;

namespace AkkaTcp.Listening;

/// <summary>
/// The root of one server: owns its listener (and through it every connection), reports when the
/// port is open or could not be opened, and answers queries. States: <see cref="Starting"/> until
/// the first bind's outcome, then <see cref="Running"/>. The outcome completes the task its
/// starter passed in, so a bind that fails before anyone could ask is still reported.
/// </summary>
internal sealed class ServerSupervisor : UntypedActor
{
    private readonly ServerSettings _settings;
    private readonly ServerMetrics _metrics;
    private readonly TaskCompletionSource<object> _started;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _listener = ActorRefs.Nobody;
    private string _listenerFailure = "the listener stopped";

    /// <param name="started">Completed with <see cref="ServerStarted"/> or <see cref="ServerStartFailed"/>.</param>
    public ServerSupervisor(ServerSettings settings, ServerMetrics metrics, TaskCompletionSource<object> started)
    {
        _settings = settings;
        _metrics = metrics;
        _started = started;
    }

    protected override void PreStart()
    {
        try
        {
            _settings.Protocol.Start(Context);
            _listener = _settings.Transport == Transport.Udp
                ? Context.ActorOf(Props.Create<Datagrams.DatagramListener>(_settings), "udp-listener")
                : Context.ActorOf(Props.Create<Listener>(_settings, _metrics), "listener");
        }
        catch (Exception e)
        {
            // The guardian stops an actor that fails to start, without PostStop: report it here.
            _started.TrySetResult(new ServerStartFailed($"server '{_settings.Name}' cannot start: {e.Message}"));
            throw;
        }
        Context.Watch(_listener);
        Become(Starting);
    }

    /// <summary>A supervisor that throws while starting has not started; its starter stops it.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        _started.TrySetResult(new ServerStartFailed($"server '{_settings.Name}' cannot start: {reason.Message}"));
        base.PreRestart(reason, message);
    }

    protected override void PostStop()
    {
        _metrics.Metrics.Release(_metrics);
        _started.TrySetResult(new ServerStartFailed($"server '{_settings.Name}' stopped before it started"));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new ServerChildFailureStrategy(cause => _listenerFailure = cause.Message);

    protected override void OnReceive(object message) => Unhandled(message);

    private void Starting(object message)
    {
        switch (message)
        {
            case ListenerBound bound:
                _started.TrySetResult(new ServerStarted(bound.LocalEndPoint));
                Become(Running);
                break;
            case ListenerBindFailed failed:
                var error = $"server '{_settings.Name}' cannot listen on {_settings.EndPoint}: {failed.Reason}";
                _started.TrySetResult(new ServerStartFailed(error));
                Context.Stop(Self);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_listener):
                _started.TrySetResult(new ServerStartFailed($"server '{_settings.Name}' cannot start: {_listenerFailure}"));
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

    internal sealed record ServerStarted(EndPoint LocalEndPoint);

    internal sealed record ServerStartFailed(string Error);
}
