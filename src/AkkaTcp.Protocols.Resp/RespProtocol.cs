using System.Buffers;
using Akka.Actor;
using Akka.Cluster.Sharding;
using AkkaTcp.Configuration;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Cluster;
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
    private readonly string _clusterMode;
    private readonly string _serverName;
    private IKeyspace _partitions = new LocalKeyspace([], []);
    private IActorRef _broker = ActorRefs.Nobody;
    private IScheduler _scheduler = null!;
    private readonly ProtocolMetrics _metrics;
    private readonly KeyspaceSize _size;
    private readonly TimeSpan _snapshotInterval;
    private readonly string _snapshotIntervalKey;

    public RespProtocol(ProtocolContext context)
    {
        var resp = context.Config.Section("resp");
        _dispatcher = context.Dispatcher;
        _metrics = context.Metrics;
        _partitionCount = resp.Int("partitions", 1, 1024);
        _maxBulkLength = resp.ByteSize("max-bulk-length", 1, int.MaxValue);
        _maxArrayLength = resp.Int("max-array-length", 1, int.MaxValue);
        _maxQueryBuffer = resp.LongByteSize("max-query-buffer", 1, 1L << 30);
        _clusterMode = resp.OneOf("cluster", ["auto", "off"]);
        _snapshotInterval = resp.Duration("snapshot-interval", TimeSpan.Zero, TimeSpan.FromDays(1));
        _snapshotIntervalKey = resp.FullKey("snapshot-interval");
        _serverName = context.ServerName;
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
        _scheduler = server.System.Scheduler;
        var inCluster = _clusterMode == "auto" && server.System is ExtendedActorSystem { Provider: Akka.Cluster.ClusterActorRefProvider };
        CheckSnapshots(server.System, inCluster);
        _partitions = inCluster ? StartSharded(server.System) : StartLocal(server);
        _broker = server.ActorOf(Props.Create(() => new PubSubBroker(Stats.PubSub, inCluster ? new DistributedPubSubCluster(server.System, _serverName) : null))
            .WithDispatcher(_dispatcher), "pubsub");
        _metrics.ObserveGauge("akkatcp.resp.keyspace.keys", "{key}", "Keys the resp keyspace holds on this node (expired ones until swept)", _size.Total);
    }

    private LocalKeyspace StartLocal(IActorContext server)
    {
        var partitions = new IActorRef[_partitionCount];
        var gates = new PartitionGate[_partitionCount];
        var keyspace = new LocalKeyspace(partitions, gates); // filled below, before any command is sent
        for (var i = 0; i < partitions.Length; i++)
        {
            gates[i] = new PartitionGate();
            // On the connections' dispatcher: a partition's messages then rarely wake a thread of
            // another pool (measured: src/AkkaTcp.Bench/README.md).
            partitions[i] = server.ActorOf(PartitionProps(i, keyspace, null, gates[i]), $"keyspace-{i}");
        }
        return keyspace;
    }

    /// <summary>
    /// The partitions as Sharding entities of a region named after the server, each node starting
    /// its own region; a node's <see cref="HandOffStore"/> (a top-level actor, so it outlives the
    /// server through the cluster's part of CoordinatedShutdown) keeps handed-off partitions until
    /// they are collected, and a leaving node waits for that before it exits.
    /// </summary>
    private ShardedKeyspace StartSharded(ActorSystem system)
    {
        var keyspace = new ShardedKeyspace(_partitionCount);
        DroppedBatches.EnsureStarted(system);
        var storeName = PartitionHandOffs.StoreName(_serverName);
        var store = system.ActorOf(Props.Create(() => new HandOffStore(keyspace, storeName)), storeName);
        var durability = _snapshotInterval > TimeSpan.Zero ? new PartitionDurability(_snapshotInterval, _serverName, Stats.Snapshots) : null;
        if (durability is not null)
            _ = WarmUpSnapshotStoreAsync(system, durability);
        var handOffs = new PartitionHandOffs(storeName, store, HandOffCollectTimeout, durability);
        var sharding = ClusterSharding.Get(system);
        // Never passivated: a partition that stopped for being idle would have to move its keys to
        // itself. The coordinator's state in Distributed Data, replicated to every member: Akka.NET's
        // default (persistence) keeps it in the coordinator's member's in-memory journal, so a new
        // coordinator after that member died knew nothing and never placed the dead member's
        // partitions again (found by the SIGKILL test when the killed member was the oldest).
        var settings = ClusterShardingSettings.Create(system).WithPassivateIdleAfter(TimeSpan.Zero).WithStateStoreMode(StateStoreMode.DData);
        keyspace.Region = sharding.Start("resp-keyspace-" + _serverName,
            id => PartitionProps(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), keyspace, handOffs, null),
            settings, new ShardedKeyspace.Extractor(), sharding.DefaultShardAllocationStrategy(settings), HandOffPartition.Instance);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseClusterExiting, "resp-handoffs-collected-" + _serverName, async () =>
        {
            try
            {
                await store.Ask<HandOffStore.Empty>(HandOffStore.WhenEmpty.Instance, HandOffCollectTimeout * 3).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                // Nobody collected them in time (no member left up): their keys go with this node.
            }
            return Akka.Done.Instance;
        });
        return keyspace;
    }

    /// <summary>
    /// Loads a snapshot no partition uses, so the snapshot store's first query (for Akka.Persistence.Sql:
    /// making its tables, building its mappings, compiling its code; seconds on a busy machine)
    /// happens at start instead of inside the first clients' request deadlines.
    /// </summary>
    private static async Task WarmUpSnapshotStoreAsync(ActorSystem system, PartitionDurability durability)
    {
        var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
        try
        {
            await store.Ask<object>(new Akka.Persistence.LoadSnapshot(durability.PersistenceId(-1), Akka.Persistence.SnapshotSelectionCriteria.Latest, long.MaxValue), TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            // The partitions' own loads report a store that does not answer.
        }
    }

    /// <summary>Snapshots are for sharded partitions, and need a snapshot store every member shares.</summary>
    private void CheckSnapshots(ActorSystem system, bool inCluster)
    {
        if (_snapshotInterval == TimeSpan.Zero)
            return;
        var shown = $"{_snapshotInterval.TotalMilliseconds}ms";
        if (!inCluster)
            throw new InvalidConfigException(_snapshotIntervalKey, shown, "needs cluster mode (akka-tcp.cluster.enabled = on and resp.cluster = auto); set it to 0s on a single node");
        const string Plugin = "akka.persistence.snapshot-store.plugin";
        if (string.IsNullOrEmpty(system.Settings.Config.GetString(Plugin, "")))
            throw new InvalidConfigException(Plugin, null, $"must name a snapshot store every member shares when {_snapshotIntervalKey} is set (e.g. \"akka.persistence.snapshot-store.sql\")");
    }

    /// <summary>How long a starting partition waits for the members' stores (within resp's request-timeout of the requests it holds).</summary>
    private static readonly TimeSpan HandOffCollectTimeout = TimeSpan.FromSeconds(3);

    private Props PartitionProps(int index, IKeyspace keyspace, PartitionHandOffs? handOffs, PartitionGate? gate) =>
        Props.Create<KeyspacePartition>(_size, index, Stats.Partitions[index], (long)_maxBulkLength, Stats.Memory, keyspace, handOffs, gate).WithDispatcher(_dispatcher);

    protected override IFrameDecoder<RespCommand> CreateDecoder() => new RespDecoder(_maxQueryBuffer, _maxArrayLength, _maxBulkLength);

    protected override IFrameEncoder<RespReply> CreateEncoder() => RespEncoder.Instance;

    protected override IFrameHandler<RespCommand, RespReply> CreateHandler(ConnectionInfo connection) =>
        new RespHandler(_partitions, _broker, connection, Stats, _scheduler, _metrics);

    public override void WriteBusyReply(IBufferWriter<byte> output) =>
        RespEncoder.Instance.Encode(RespReply.Error("ERR max number of clients reached"u8), output);
}
