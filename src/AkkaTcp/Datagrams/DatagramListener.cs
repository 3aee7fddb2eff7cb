using System.Buffers;
using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaTcp.Configuration;
using AkkaTcp.Limits;
using AkkaTcp.Listening;
using AkkaTcp.Protocols;

namespace AkkaTcp.Datagrams;

/// <summary>
/// A UDP server's listener, bound through Akka.IO Udp: each datagram is checked (size, the
/// source's rate), handed to the protocol as one frame, and answered with at most one datagram
/// no larger than max-reply-factor times the request. A failing datagram is dropped and counted;
/// it never affects the next. States: Binding, Bound, Unbound. Answers the server supervisor's
/// messages like the TCP listener: stop-accepting unbinds (service-unbind), drain and unbind
/// then have nothing left to do.
/// </summary>
internal sealed class DatagramListener : UntypedActor, IWithTimers
{
    private sealed class Sweep
    {
        public static readonly Sweep Instance = new();
    }

    private readonly ServerSettings _settings;
    private readonly DatagramSettings _limits;
    private readonly IDatagramProtocol _protocol;
    private readonly SourceRateLimiter _rates;
    private readonly ArrayBufferWriter<byte> _reply = new(1024);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _socket = ActorRefs.Nobody;
    private EndPoint _local = new IPEndPoint(IPAddress.None, 0);
    private readonly List<IActorRef> _waitingForUnbound = [];
    private long _received, _replied, _tooLarge, _rateLimited, _amplification, _failed;

    public DatagramListener(ServerSettings settings)
    {
        _settings = settings;
        _limits = settings.Datagram;
        _protocol = (IDatagramProtocol)settings.Protocol;
        _rates = new SourceRateLimiter(_limits.RateLimitPerSource, burst: _limits.RateLimitPerSource);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Context.System.Udp().Tell(new Udp.Bind(Self, _settings.EndPoint));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Udp.Bound bound:
                _socket = Sender;
                _local = bound.LocalAddress;
                Context.Parent.Tell(new ListenerBound(bound.LocalAddress));
                Timers.StartPeriodicTimer(Sweep.Instance, Sweep.Instance, TimeSpan.FromSeconds(10));
                Become(Bound);
                break;
            case Udp.CommandFailed:
                // Akka.IO's Udp.CommandFailed carries no cause (it logs it itself).
                Context.Parent.Tell(new ListenerBindFailed("the udp port is taken or the address is not available here"));
                Context.Stop(Self);
                break;
            default:
                Answer(message);
                break;
        }
    }

    private void Bound(object message)
    {
        switch (message)
        {
            case Udp.Received received:
                OnDatagram(received);
                break;
            case Sweep:
                _rates.Sweep(Environment.TickCount64);
                break;
            case StopAccepting:
                _waitingForUnbound.Add(Sender);
                _socket.Tell(Udp.Unbind.Instance);
                Become(Unbinding);
                break;
            default:
                Answer(message);
                break;
        }
    }

    private void Unbinding(object message)
    {
        switch (message)
        {
            case Udp.Unbound:
                _socket = ActorRefs.Nobody;
                _log.Info("Server {Server} stopped receiving datagrams on {EndPoint}", _settings.Name, _local);
                foreach (var waiting in _waitingForUnbound)
                    waiting.Tell(Akka.Done.Instance);
                _waitingForUnbound.Clear();
                Become(Answer);
                break;
            case StopAccepting:
                _waitingForUnbound.Add(Sender);
                break;
            case Udp.Received:
                break; // arrived before the unbind: not served
            default:
                Answer(message);
                break;
        }
    }

    /// <summary>What every state answers: stats, and the shutdown steps a UDP server has nothing to do in.</summary>
    private void Answer(object message)
    {
        switch (message)
        {
            case GetServerStats:
                Sender.Tell(new DatagramStats(_received, _replied, _tooLarge, _rateLimited, _amplification, _failed));
                break;
            case StopAccepting or UpdateSettings: // a udp server has no live settings: its limits are fixed at start
                Sender.Tell(Akka.Done.Instance);
                break;
            case DrainConnections:
                Sender.Tell(new DrainResult(0, 0, TimeSpan.Zero));
                break;
            case UnbindListener:
                if (!_socket.IsNobody())
                    _socket.Tell(Udp.Unbind.Instance);
                Sender.Tell(new UnbindResult(0));
                break;
            case Udp.Unbound or Sweep or Udp.Received:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnDatagram(Udp.Received received)
    {
        _received++;
        var request = received.Data;
        if (request.Count > _limits.MaxDatagramSize)
        {
            _tooLarge++;
            return;
        }
        var source = received.Sender as IPEndPoint;
        if (source is not null && !_rates.TryTake(source.Address, Environment.TickCount64))
        {
            _rateLimited++;
            return;
        }
        _reply.ResetWrittenCount();
        try
        {
            _protocol.OnDatagram(request.ToReadOnlySpan(), new ConnectionInfo(_received, _settings.Name, received.Sender, _local), _reply);
        }
        catch (Exception e)
        {
            _failed++;
            if (_log.IsDebugEnabled)
                _log.Debug("Server {Server}: datagram from {Source} dropped: {Error}", _settings.Name, received.Sender, e.Message);
            return;
        }
        if (_reply.WrittenCount == 0)
            return;
        if (_reply.WrittenCount > (long)request.Count * _limits.MaxReplyFactor)
        {
            _amplification++;
            return;
        }
        _socket.Tell(Udp.Send.Create(ByteString.FromBytes(_reply.WrittenSpan.ToArray()), received.Sender));
        _replied++;
    }
}
