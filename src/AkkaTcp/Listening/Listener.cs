using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaTcp.Configuration;
using AkkaTcp.Connections;
using AkkaTcp.Protocols;

namespace AkkaTcp.Listening;

/// <summary>
/// Binds the server's port through Akka.IO and spawns one <see cref="Connection"/> child per
/// accepted socket. Watches Akka.IO's internal listener and binds again if it dies.
/// States: <see cref="Binding"/> until the port is open, then <see cref="Listening"/>.
/// </summary>
internal sealed class Listener : UntypedActor, IWithTimers
{
    private static readonly TimeSpan FirstRebindDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRebindDelay = TimeSpan.FromSeconds(5);

    private ServerSettings _settings;
    private readonly ServerMetrics _metrics;
    private readonly ConnectionCounters _counters;
    private readonly AdmissionControl _admission;
    private readonly DroppedAccepts _droppedAccepts = new();
    private readonly Alarms _alarms;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _tcpListener;
    private EndPoint _endPoint;
    private bool _everBound;
    private TimeSpan _rebindDelay = FirstRebindDelay;
    private long _nextId;
    private bool _accepting = true;
    private bool _suspended;
    private bool _unbinding;
    private readonly DrainProgress _drain = new();
    // One for every connection (the dispatcher is not a live setting): Props.WithDispatcher would copy it per connection.
    private readonly Deploy _connectionDeploy;
    private readonly ConnectionClock _clock = new(Context.System.Scheduler);
    private IActorRef? _unbindRequester;

    public Listener(ServerSettings settings, ServerMetrics metrics)
    {
        _settings = settings;
        _metrics = metrics;
        _endPoint = settings.EndPoint;
        _admission = new AdmissionControl(settings, metrics);
        _counters = new ConnectionCounters(metrics);
        _alarms = new Alarms(_log);
        _connectionDeploy = new Deploy().WithDispatcher(settings.Dispatcher);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override SupervisorStrategy SupervisorStrategy()
    {
        var self = Self;
        return new ConnectionFailureStrategy(_admission.Describe, failed => self.Tell(new ConnectionDied(failed)));
    }

    protected override void PreStart()
    {
        StartConnectionDispatcher();
        DroppedAccepts.Subscribe(Context);
        WatchCertificates(_settings);
        Bind();
    }

    /// <summary>
    /// Akka creates a dispatcher's threads when its first actor starts, and stops them again once it
    /// has had no actors for its shutdown-timeout. An idle actor kept on the connection dispatcher
    /// for the listener's lifetime keeps the threads up, so a server that is out of file descriptors
    /// never has to create threads at its next client (which fails with OutOfMemoryException and
    /// took the listener down before this keeper existed).
    /// </summary>
    private void StartConnectionDispatcher() =>
        Context.ActorOf(Props.Empty.WithDispatcher(_settings.Dispatcher), "dispatcher-keeper");

    /// <summary>The connections, children, have stopped before: nothing is left on the clock.</summary>
    protected override void PostStop() => _clock.Dispose();

    protected override void OnReceive(object message) => Unhandled(message);

    private void Bind()
    {
        Become(Binding);
        // After a re-bind the port must be the one clients already know, even if it was 0 at first.
        // No ReuseAddress: on Linux .NET sets SO_REUSEPORT with it, and a second server would share
        // this port. .NET already lets a listener bind over connections in TIME_WAIT.
        var chunk = _settings.SocketChunkSize;
        // Pull mode: a connection decides when Akka.IO reads its next chunk (Runtime/DeferredReads).
        Context.System.Tcp().Tell(new Tcp.Bind(Self, _endPoint, _settings.Backlog,
            [new SocketSettingsOption(_settings.Socket)], pullMode: true)
        {
            // Per server: each connection holds a receive buffer of this size. Akka.IO wants its
            // (otherwise unused) buffer-size settings at least twice the frame size.
            TcpSettings = TcpSettings.Create(Context.System) with { MaxFrameSizeBytes = chunk, ReceiveBufferSize = 2 * chunk, SendBufferSize = 2 * chunk },
        });
    }

    private void Binding(object message)
    {
        switch (message)
        {
            case Tcp.Bound bound:
                _tcpListener = Sender;
                Context.Watch(_tcpListener);
                _droppedAccepts.OnBound(_tcpListener);
                _endPoint = bound.LocalAddress;
                _everBound = true;
                _rebindDelay = FirstRebindDelay;
                Context.Parent.Tell(new ListenerBound(bound.LocalAddress));
                Become(Listening);
                break;
            case Tcp.CommandFailed failed when failed.Cmd is Tcp.Bind:
                var reason = failed.Cause.HasValue ? failed.Cause.Value.Message : "bind failed";
                if (!_everBound)
                {
                    Context.Parent.Tell(new ListenerBindFailed(reason));
                    Context.Stop(Self);
                    break;
                }
                _log.Warning("Server {Server}: re-binding {EndPoint} failed ({Reason}); retrying in {Delay}", _settings.Name, _endPoint, reason, _rebindDelay);
                Timers.StartSingleTimer(RetryBind.Instance, RetryBind.Instance, _rebindDelay);
                _rebindDelay = TimeSpan.FromTicks(Math.Min(_rebindDelay.Ticks * 2, MaxRebindDelay.Ticks));
                break;
            case RetryBind:
                Bind();
                break;
            default:
                HandleCommon(message);
                break;
        }
    }

    private void Listening(object message)
    {
        switch (message)
        {
            case Tcp.Connected when !_accepting:
                Sender.Tell(Tcp.Close.Instance); // shutting down: closed at once, never served
                _counters.OnAccepted();
                _metrics.OnRejected(RefusalReasons.ShuttingDown);
                _counters.OnClosed(CloseReason.Shutdown);
                break;
            case Tcp.Connected connected:
                Accept(connected, Sender);
                break;
            case UnbindListener when _tcpListener is not null:
                _unbinding = true;
                _unbindRequester = Sender;
                _tcpListener.Tell(Tcp.Unbind.Instance);
                break;
            case Tcp.Unbound:
                // Akka.IO resets the connections it still holds as it unbinds, except those whose
                // FIN is sent (their output is shut down): those it closes without a reset.
                if (_admission.Owing > 0)
                    _log.Warning("Server {Server}: {Count} connections that still owed replies after the drain were reset", _settings.Name, _admission.Owing);
                _unbindRequester?.Tell(new UnbindResult(_admission.Owing));
                // Akka.IO's listener stops now; that is no reason to bind again (nor to die of a DeathPact).
                if (_tcpListener is not null)
                    Context.Unwatch(_tcpListener);
                _tcpListener = null;
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_tcpListener) && _unbinding:
                break; // system messages go first: this can overtake the Unbound that precedes it
            case Terminated terminated when terminated.ActorRef.Equals(_tcpListener):
                _log.Warning("Server {Server}: Akka.IO's listener on {EndPoint} stopped; binding again", _settings.Name, _endPoint);
                _tcpListener = null;
                Bind();
                break;
            default:
                HandleCommon(message);
                break;
        }
    }

    private void HandleCommon(object message)
    {
        switch (message)
        {
            case ConnectionEnded ended:
                OnConnectionGone(Sender, ended.Reason);
                break;
            case Connection.ProxyHeaderRead read:
                AdmitProxied(Sender, read);
                break;
            case ConnectionFinished:
                if (_admission.MarkFinished(Sender) && _drain.IsDraining)
                {
                    _drain.OnFinished();
                    CompleteDrainIfDone();
                }
                break;
            case ConnectionDied died:
                // It failed and is being stopped. Its ConnectionEnded, if it gets to send one, comes
                // later and finds it forgotten; one that failed while starting (perhaps before it
                // registered with its socket) sends none: reset the socket now rather than leave the
                // client hanging until Akka.IO's register-timeout.
                _admission.SocketOf(died.Connection)?.Tell(Tcp.Abort.Instance);
                OnConnectionGone(died.Connection, CloseReason.Error);
                break;
            case StopAccepting:
                if (_accepting)
                    _log.Info("Server {Server} stopped accepting", _settings.Name);
                _accepting = false;
                Sender.Tell(Akka.Done.Instance);
                break;
            case DrainConnections:
                _accepting = false;
                _drain.Start(Sender, alreadyFinished: _admission.Live - _admission.Owing);
                foreach (var connection in _admission.Connections)
                    connection.Tell(Connection.Drain.Instance);
                Timers.StartSingleTimer(DrainTimedOut.Instance, DrainTimedOut.Instance, _settings.DrainTimeout);
                CompleteDrainIfDone();
                break;
            case DrainTimedOut:
                ReplyToDrain();
                break;
            case UnbindListener:
                // Not bound (already unbound, e.g. by hand before CoordinatedShutdown, or between re-binds): nothing to close.
                Sender.Tell(new UnbindResult(_admission.Owing));
                break;
            case GetServerStats:
                Sender.Tell(_counters.Snapshot(_admission.Active, _admission.Queued, _suspended));
                break;
            case ListConnections:
                Context.ActorOf(Props.Create<ConnectionCensus>(_admission.Connections.ToList(), Sender));
                break;
            case KickConnections kick:
                var kicked = _admission.Matching(kick.Id, kick.Address);
                foreach (var connection in kicked)
                    connection.Tell(Connection.Kick.Instance);
                Sender.Tell(kicked.Count);
                break;
            case SetSuspended suspend:
                if (_suspended != suspend.Suspended)
                    _log.Info(suspend.Suspended ? "Server {Server} suspended: new clients are turned away" : "Server {Server} resumed accepting", _settings.Name);
                _suspended = suspend.Suspended;
                Sender.Tell(Akka.Done.Instance);
                break;
            case UpdateSettings update:
                OnUpdateSettings(update.Settings);
                Sender.Tell(Akka.Done.Instance);
                break;
            case GetTcpListener:
                Sender.Tell(new TcpListenerRef(_tcpListener));
                break;
            case Tcp.ConnectionClosed:
                break; // a connection closed unserved at shutdown (we sent its Close)
            case UnhandledMessage unhandled:
                // Never passed to Unhandled: that would publish it again.
                _droppedAccepts.OnUnhandled(unhandled, _tcpListener);
                break;
            case InjectFault fault:
                throw new InvalidOperationException(fault.Message);
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// Releases what a connection held (its slot, its address's count) and counts its close, once:
    /// whether it reported its end or died without doing so. Admits from the waiting room.
    /// </summary>
    private void OnConnectionGone(IActorRef connection, CloseReason reason)
    {
        if (!_admission.TryForget(connection, out var admitted))
            return;
        _counters.OnClosed(reason);
        foreach (var next in admitted)
            next.Tell(_drain.IsDraining ? Connection.Drain.Instance : Connection.Admit.Instance);
        // Drained counts only connections that finished (FIN sent, nothing owed): one reset
        // during the drain (a client's reset, a write-timeout) was neither drained nor cut.
        if (_drain.IsDraining)
            CompleteDrainIfDone();
    }

    /// <summary>
    /// Takes new live settings: admission uses them from the next client on (a higher
    /// max-connections admits waiting clients at once; a lower one never closes a served
    /// connection, new ones wait or are refused), and every connection gets them.
    /// </summary>
    private void OnUpdateSettings(ServerSettings settings)
    {
        _settings = settings;
        WatchCertificates(settings);
        foreach (var connection in _admission.Connections)
            connection.Tell(new Connection.SettingsChanged(settings));
        foreach (var next in _admission.Update(settings))
            next.Tell(_drain.IsDraining ? Connection.Drain.Instance : Connection.Admit.Instance);
        _log.Info("Server {Server} settings updated: max-connections={MaxConnections} max-connections-per-ip={MaxPerIp} idle-timeout={IdleTimeout}",
            settings.Name, settings.MaxConnections, settings.MaxConnectionsPerIp, settings.IdleTimeout);
    }

    /// <summary>A changed certificate file that fails to load (half-written) is logged; connections keep using the previous certificate.</summary>
    private void WatchCertificates(ServerSettings settings)
    {
        if (settings.Tls.Certificates is not { } certificates)
            return;
        var log = _log;
        var name = settings.Name;
        certificates.ReloadFailed = reason => log.Warning("Server {Server}: a changed TLS certificate could not be loaded ({Reason}); new connections keep the previous one", name, reason);
    }

    /// <summary>Drained once no connection owes anything: those waiting for the client's FIN do not hold the drain.</summary>
    private void CompleteDrainIfDone()
    {
        if (_admission.Owing == 0)
            ReplyToDrain();
    }

    private void ReplyToDrain()
    {
        if (!_drain.TryAnswer(_admission.Owing, out var requester, out var result))
            return;
        Timers.Cancel(DrainTimedOut.Instance);
        _log.Info("Server {Server} drained {Drained} connections in {Elapsed} ms; {StillOpen} still owe replies",
            _settings.Name, result.Drained, (long)result.Elapsed.TotalMilliseconds, result.StillOpen);
        requester.Tell(result);
    }

    private void Accept(Tcp.Connected connected, IActorRef socket)
    {
        var id = ++_nextId;
        var info = new ConnectionInfo(id, _settings.Name, connected.RemoteAddress, connected.LocalAddress);
        var address = ClientAddress(connected.RemoteAddress);
        string? refusal = RefusalReasons.Suspended;
        var admission = _suspended ? Admission.Refuse
            : _settings.ProxyProtocol.Enabled ? _admission.DecideBeforeProxyHeader(address, out refusal)
            : _admission.Decide(address, out refusal);
        if (refusal is not null)
            _metrics.OnRejected(refusal);
        var props = new Props(_connectionDeploy, typeof(Connection), info, socket, _settings, admission, _metrics, _clock);
        var connection = Context.ActorOf(props, "conn-" + id);
        // Not watched: a watched actor escalates to Akka's larger cell state (half a KiB per idle
        // connection). Its end comes as ConnectionEnded, or, if it fails, from the supervisor strategy.
        Context.WatchWith(socket, new Connection.SocketGone(connection));
        _admission.Add(connection, socket, info, address, admission);
        _counters.OnAccepted();
        _alarms.Check(_settings, _admission.Active, _admission.Queued);
    }

    /// <summary>
    /// A connection read its PROXY header: decides again, as for a new connection, with the client
    /// address the header named (or the socket's, for LOCAL and for a direct client in optional mode).
    /// </summary>
    private void AdmitProxied(IActorRef connection, Connection.ProxyHeaderRead read)
    {
        if (!_admission.TryGetInfo(connection, out var info))
            return; // it ended meanwhile
        if (read.Source is not null)
            info = info with { RemoteEndPoint = read.Source, LocalEndPoint = read.Destination ?? info.LocalEndPoint };
        var address = ClientAddress(info.RemoteEndPoint);
        string? refusal = _accepting ? RefusalReasons.Suspended : RefusalReasons.ShuttingDown;
        var admission = _suspended || !_accepting ? Admission.Refuse : _admission.Decide(address, out refusal);
        if (refusal is not null)
            _metrics.OnRejected(refusal);
        _admission.Readmit(connection, info, address, admission);
        connection.Tell(new Connection.Admitted(admission, info));
        _alarms.Check(_settings, _admission.Active, _admission.Queued);
    }

    /// <summary>The client's IP address, with IPv4 clients of a dual-stack socket counted as IPv4.</summary>
    private static IPAddress ClientAddress(EndPoint remote)
    {
        var address = (remote as IPEndPoint)?.Address ?? IPAddress.None;
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>A connection actor failed and is stopped (see <see cref="ConnectionFailureStrategy"/>).</summary>
    private sealed record ConnectionDied(IActorRef Connection);

    private sealed class RetryBind
    {
        public static readonly RetryBind Instance = new();
    }

    private sealed class DrainTimedOut
    {
        public static readonly DrainTimedOut Instance = new();
    }

    /// <summary>Makes the listener throw while handling it: how tests prove a listener failure harms no connection.</summary>
    internal sealed record InjectFault(string Message);

    /// <summary>Asks for Akka.IO's internal listener actor (for tests that kill it).</summary>
    internal sealed class GetTcpListener
    {
        public static readonly GetTcpListener Instance = new();
    }

    internal sealed record TcpListenerRef(IActorRef? Listener);
}
