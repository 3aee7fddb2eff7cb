using System.Diagnostics;
using System.Text;
using Akka.Actor;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Protocols.Resp;

/// <summary>
/// One resp connection: looks each command up in the <see cref="CommandTable"/>, checks its arity,
/// and runs it where its route says — here, in its key's partition, in every partition, or in
/// steps across partitions — answering in request order. Error texts are Redis's own.
/// </summary>
internal sealed partial class RespHandler : IFrameHandler<RespCommand, RespReply>
{
    private readonly IKeyspace _partitions;
    private readonly RespServerStats _stats;
    private readonly ProtocolMetrics _metrics;
    private readonly IScheduler _scheduler;
    private IConnectionContext<RespReply> _c = null!;
    private IActorRef _self = ActorRefs.Nobody;

    // The command being handled while request durations are measured (null otherwise), when its
    // decoding ended, and whether its reply comes later (then it is recorded when written).
    private string? _operation;
    private long _started;
    private bool _answeredLater;

    public RespHandler(IKeyspace partitions, IActorRef broker, ConnectionInfo connection, RespServerStats stats, IScheduler scheduler, ProtocolMetrics metrics)
    {
        _broker = broker;
        _metrics = metrics;
        _partitions = partitions;
        _outbox = new Outbox?[partitions.Count];
        _stats = stats;
        _scheduler = scheduler;
        Client = stats.Clients.Add(connection);
        LocalEndPoint = connection.LocalEndPoint;
        stats.OnConnected();
    }

    /// <summary>This connection as CLIENT LIST shows it.</summary>
    internal RespClient Client { get; }

    internal RespServerStats Stats => _stats;

    internal System.Net.EndPoint? LocalEndPoint { get; }

    internal long MaxStringLength => _stats.MaxStringLength;

    public void OnConnected(IConnectionContext<RespReply> connection)
    {
        _c = connection;
        _self = connection.Self;
        Client.Actor = connection.Self;
    }

    public void OnClosed()
    {
        CancelWait();
        _stats.Clients.Remove(Client);
        _stats.OnDisconnected();
    }

    public void OnProtocolError(ProtocolError error, IConnectionContext<RespReply> connection) =>
        connection.Reply(RespReply.Error(Encoding.ASCII.GetBytes("ERR " + error.Message)));

    public void OnFrame(RespCommand command, IConnectionContext<RespReply> c)
    {
        if (command.Count == 0)
            return; // an empty request (*0 or a blank inline line) is ignored, as by Redis
        _stats.OnCommand();
        if (_holding)
        {
            Hold(command, c);
            return;
        }
        Dispatch(command, c);
    }

    private void Dispatch(RespCommand command, IConnectionContext<RespReply> c)
    {
        var spec = CommandTable.Find(command[0]);
        if (spec is null)
        {
            StartTiming("unknown");
            c.Reply(RespReply.Error(Encoding.UTF8.GetBytes(UnknownCommand(command))));
            EndTiming();
            return;
        }
        Client.OnCommand(spec);
        if (Subscriptions > 0 && !AllowedWhileSubscribed(spec))
        {
            RefuseWhileSubscribed(spec, command, c);
            return;
        }
        if (!spec.ArityFits(command.Count) || (spec.Step == 2 && (command.Count - 1) % 2 != 0))
        {
            _stats.Connection.Reject(spec.Index);
            c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR wrong number of arguments for '{spec.LowerName}' command")));
            return;
        }
        StartTiming(spec.LowerName);
        if ((spec.Route == CommandRoute.Key && spec.FirstKey < command.Count)
            || (spec.Route == CommandRoute.MultiKey && SharePartition(spec, command)))
        {
            Key(spec, command, c); // counted in INFO commandstats by its partition
            EndTiming();
            return;
        }
        var timer = _stats.Connection.StartTimer(spec.Index);
        switch (spec.Route)
        {
            case CommandRoute.EachKey:
                EachKey(spec, command, c);
                break;
            case CommandRoute.AllPartitions:
                Everywhere(spec, Copy(command, spec), spec.Combine!, c);
                break;
            case CommandRoute.Blocking:
                Block(spec, command, c);
                break;
            case CommandRoute.Scan:
                Scan(spec, command, c);
                break;
            case CommandRoute.Key:
                ServerCommands.WithoutKey(spec, command, c);
                break;
            default:
                spec.OnConnection!(this, command, c);
                break;
        }
        // Commands spread over partitions, or answered here: counted once, with the connection's
        // time (their partitions' parts are not counted as calls of their own).
        _stats.Connection.Record(spec.Index, timer, failed: false);
        EndTiming();
    }

    private bool SharePartition(CommandSpec spec, RespCommand command)
    {
        var partition = -1;
        foreach (var position in spec.KeyPositions(command.Count))
        {
            var p = ByteKeyComparer.Partition(command[position], _partitions.Count);
            if (partition >= 0 && p != partition)
                return false;
            partition = p;
        }
        return true;
    }

    private void StartTiming(string operation)
    {
        if (!_metrics.RequestsEnabled)
            return;
        _operation = operation;
        _started = Stopwatch.GetTimestamp();
        _answeredLater = false;
    }

    /// <summary>Records a command answered at once; one answered later is recorded when its reply is written.</summary>
    private void EndTiming()
    {
        if (_operation is not null && !_answeredLater)
            _metrics.RecordRequest(_operation, _started);
        _operation = null;
    }

    /// <summary>A command's arguments copied out of the received bytes, its name replaced by the table's.</summary>
    internal static byte[][] Copy(RespCommand command, CommandSpec? spec = null) =>
        CopyInto(new byte[command.Count][], command, spec?.NameBytes ?? command[0].ToArray());

    /// <summary>Fills <paramref name="args"/> (command.Count long) with the command's arguments, each copied, the name replaced by <paramref name="name"/>.</summary>
    internal static byte[][] CopyInto(byte[][] args, RespCommand command, byte[] name)
    {
        args[0] = name;
        for (var i = 1; i < args.Length; i++)
            args[i] = command[i].ToArray();
        return args;
    }

    private static string UnknownCommand(RespCommand command)
    {
        var text = new StringBuilder($"ERR unknown command '{Encoding.UTF8.GetString(command[0])}', with args beginning with: ");
        for (var i = 1; i < command.Count; i++)
            text.Append('\'').Append(Encoding.UTF8.GetString(command[i])).Append("' ");
        return text.ToString();
    }

    public bool OnMessage(object message, IConnectionContext<RespReply> connection)
    {
        var handled = true;
        switch (message)
        {
            case KeyspaceResults results:
                OnResults(results);
                break;
            case BatchDropped dropped:
                OnDropped(dropped);
                break;
            case CheckDeadlines:
                _deadlineCheckScheduled = false;
                FailOverdueBatches();
                break;
            case PubSub.Delivery delivery:
                OnDelivery(delivery, connection);
                break;
            case KillClient:
                connection.Close();
                break;
            default:
                handled = OnWaitMessage(message);
                break;
        }
        SendQueued();
        return handled;
    }

    /// <summary>CLIENT KILL from another connection: this one closes after the replies it owes.</summary>
    internal sealed class KillClient
    {
        public static readonly KillClient Instance = new();
    }

    /// <summary>
    /// The client closed its side: a blocked command ends now (as Redis frees a client that
    /// disconnects), so nothing is popped for a client that will never read it.
    /// </summary>
    public void OnPeerClosed(IConnectionContext<RespReply> connection)
    {
        EndWait();
        SendQueued();
    }

    /// <summary>Draining: a blocked command is answered as if it timed out, so the connection owes nothing it cannot pay.</summary>
    public bool TryGoodbye(IConnectionContext<RespReply> connection)
    {
        EndWait();
        SendQueued();
        return false;
    }
}
