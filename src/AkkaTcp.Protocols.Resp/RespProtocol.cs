using System.Buffers;
using Akka.Actor;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.PubSub;

namespace AkkaTcp.Protocols.Resp;

/// <summary>
/// A Redis (RESP2) subset that redis-cli, redis-benchmark and StackExchange.Redis can drive. The
/// keyspace lives in partition actors, children of the server's supervisor.
/// </summary>
public sealed class RespProtocol : FramedProtocol<RespCommand, RespReply>
{
    private readonly long _maxQueryBuffer;
    private readonly int _partitionCount;
    private readonly int _maxBulkLength;
    private readonly int _maxArrayLength;
    private readonly string _dispatcher;
    private IKeyspace _partitions = new LocalKeyspace([]);
    private IActorRef _broker = ActorRefs.Nobody;
    private IScheduler _scheduler = null!;
    private readonly ProtocolMetrics _metrics;
    private readonly KeyspaceSize _size;

    public RespProtocol(ProtocolContext context)
    {
        var resp = context.Config.Section("resp");
        _dispatcher = context.Dispatcher;
        _metrics = context.Metrics;
        _partitionCount = resp.Int("partitions", 1, 1024);
        _maxBulkLength = resp.ByteSize("max-bulk-length", 1, int.MaxValue);
        _maxArrayLength = resp.Int("max-array-length", 1, int.MaxValue);
        _maxQueryBuffer = resp.LongByteSize("max-query-buffer", 1, 1L << 30);
        _size = new KeyspaceSize(_partitionCount);
        var maxMemory = resp.LongByteSize("maxmemory", 0, long.MaxValue);
        var policy = MemoryLimit.Policies[resp.OneOf("maxmemory-policy", [.. MemoryLimit.Policies.Keys])];
        var pubsub = resp.Section("pubsub");
        var limits = new PubSubLimits(pubsub.ByteSize("output-hard-limit", 0, int.MaxValue), pubsub.ByteSize("output-soft-limit", 0, int.MaxValue),
            pubsub.Duration("output-soft-time", TimeSpan.Zero, TimeSpan.FromDays(1)));
        Stats = new RespServerStats(context.ServerName, resp.Duration("request-timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)), _maxBulkLength, _partitionCount,
            new MemoryLimit(maxMemory, policy, _partitionCount), limits);
    }

    internal RespServerStats Stats { get; }

    public override void Start(IActorContext server)
    {
        var partitions = new IActorRef[_partitionCount];
        var keyspace = new LocalKeyspace(partitions); // filled below, before any command is sent
        for (var i = 0; i < partitions.Length; i++)
            // On the connections' dispatcher: a partition's messages then rarely wake a thread of
            // another pool (measured: src/AkkaTcp.Bench/README.md).
            partitions[i] = server.ActorOf(Props.Create<KeyspacePartition>(_size, i, Stats.Partitions[i], (long)_maxBulkLength, Stats.Memory, keyspace).WithDispatcher(_dispatcher), $"keyspace-{i}");
        _partitions = keyspace;
        _broker = server.ActorOf(Props.Create(() => new PubSubBroker(Stats.PubSub, null)).WithDispatcher(_dispatcher), "pubsub");
        _metrics.ObserveGauge("akkatcp.resp.keyspace.keys", "{key}", "Keys the resp keyspace holds (expired ones until swept)", _size.Total);
        _scheduler = server.System.Scheduler;
    }

    protected override IFrameDecoder<RespCommand> CreateDecoder() => new RespDecoder(_maxQueryBuffer, _maxArrayLength, _maxBulkLength);

    protected override IFrameEncoder<RespReply> CreateEncoder() => RespEncoder.Instance;

    protected override IFrameHandler<RespCommand, RespReply> CreateHandler(ConnectionInfo connection) =>
        new RespHandler(_partitions, _broker, connection, Stats, _scheduler, _metrics);

    public override void WriteBusyReply(IBufferWriter<byte> output) =>
        RespEncoder.Instance.Encode(RespReply.Error("ERR max number of clients reached"u8), output);
}
