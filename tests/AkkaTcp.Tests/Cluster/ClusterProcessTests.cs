using System.Diagnostics;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Cluster;

/// <summary>
/// Three console hosts as separate processes on 127.0.0.1 forming one cluster, driven over real
/// sockets: one keyspace and one pub/sub space whichever node a client talks to, a member killed
/// with SIGKILL, a member joining (its partitions arrive with their keys) and one leaving (they go
/// back with theirs). Answers are checked throughout: a value, nil for a lost key, or an error —
/// never another key's value.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed partial class ClusterProcessTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const int KeyCount = 120;

    /// <summary>At most three connections, spread over the endpoints; a refusing member retried after 200 ms to 1 s.</summary>
    private static readonly global::AkkaTcp.Client.ClientSettings PoolOfThree = global::AkkaTcp.Client.ClientSettings.Default with
    {
        Pool = global::AkkaTcp.Client.ClientSettings.Default.Pool with
        {
            MaxConnections = 3,
            MinIdle = 3,
            ReconnectMinBackoff = TimeSpan.FromMilliseconds(200),
            ReconnectMaxBackoff = TimeSpan.FromSeconds(1),
        },
    };

    private static string Value(int i, string version = "value") => $"{version}-{i}";

    private static string[] KeyNames => [.. Enumerable.Range(0, KeyCount).Select(i => $"key:{i}")];

    private async Task WriteKeysAsync(ClusterNodes.Node node, string version = "value")
    {
        await using var client = await RawRespClient.ConnectAsync(node.Resp, Within());
        var pipeline = new List<byte>();
        for (var i = 0; i < KeyCount; i++)
            pipeline.AddRange(RawRespClient.Encode(["SET", $"key:{i}", Value(i, version)]));
        await client.SendRawAsync(pipeline.ToArray(), Within());
        for (var i = 0; i < KeyCount; i++)
            Assert.Equal("+OK\r\n", await client.ReadReplyAsync(Within(30)));
    }

    /// <summary>MGET of every key through <paramref name="node"/>: the values (null = nil), or null when the reply was an error.</summary>
    private async Task<string?[]?> ReadKeysAsync(ClusterNodes.Node node)
    {
        await using var client = await RawRespClient.ConnectAsync(node.Resp, Within());
        var reply = await client.AskAsync(Within(30), ["MGET", .. KeyNames]);
        if (reply.StartsWith('-'))
            return null;
        var lines = reply.Split("\r\n");
        Assert.Equal($"*{KeyCount}", lines[0]);
        var values = new List<string?>();
        for (var at = 1; values.Count < KeyCount; at++)
            values.Add(lines[at] == "$-1" ? null : lines[++at]);
        return [.. values];
    }

    /// <summary>INFO's connected_clients of <paramref name="node"/>, counting the connection that asks.</summary>
    private async Task<int> ClientsOnAsync(ClusterNodes.Node node)
    {
        var info = await AskAsync(node, "INFO", "clients");
        return int.Parse(System.Text.RegularExpressions.Regex.Match(info, @"connected_clients:(\d+)").Groups[1].Value);
    }

    /// <summary>Every value present is the one written under that key (in <paramref name="version"/>).</summary>
    private static int CheckValues(string?[] values, string version = "value")
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is not null)
                Assert.Equal(Value(i, version), values[i]);
        }
        return values.Count(v => v is not null);
    }

    private async Task<List<string>> ReadLinesAsync(Process cli, int count, CancellationToken? within = null)
    {
        var lines = new List<string>();
        while (lines.Count < count)
            lines.Add(await cli.StandardOutput.ReadLineAsync(within ?? Within()) ?? throw new EndOfStreamException("redis-cli ended"));
        return lines;
    }

    /// <summary>
    /// Publishes probes through <paramref name="publisher"/> until one reaches the subscriber. A
    /// member learns another member's broker through DistributedPubSub's gossip (every second, to
    /// one member picked at random), and a PUBLISH sent before then reaches only the members it
    /// knows. In two of eleven full test runs a single PUBLISH here did not reach the subscriber
    /// within 20 s, with nothing in the members' logs; the probes count how long the route took.
    /// </summary>
    private async Task ProbeUntilDeliveredAsync(RawRespClient publisher, Process cli)
    {
        var within = Within(60);
        var delivered = ReadLinesAsync(cli, 3, within);
        var watch = Stopwatch.StartNew();
        var probes = 0;
        while (!delivered.IsCompleted)
        {
            Assert.Equal(":0\r\n", await publisher.AskAsync(Within(), "PUBLISH", "alerts", $"probe {probes++}"));
            await Task.WhenAny(delivered, Task.Delay(TimeSpan.FromMilliseconds(250), within));
        }
        var first = await delivered;
        Assert.Equal(["message", "alerts"], first[..2]);
        Assert.StartsWith("probe ", first[2]);
        Output.WriteLine($"the subscriber on C received {first[2]} after {probes} probes, {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The next message that is not a probe: probes sent while the first delivered one was on its way arrive after it.</summary>
    private async Task<List<string>> ReadPastProbesAsync(Process cli)
    {
        while (true)
        {
            var lines = await ReadLinesAsync(cli, 3);
            if (!lines[2].StartsWith("probe "))
                return lines;
        }
    }

    [ToolFact(ExternalTools.RedisCli)]
    public async Task Three_nodes_serve_one_keyspace_and_one_pubsub_space_and_survive_a_killed_member()
    {
        // Not akka.cluster.min-nr-of-members = 3: Sharding's coordinator waits for that many regions
        // before it places any partition, so after a loss it would never place the dead member's.
        await using var cluster = new ClusterNodes(seeds: 3);
        await WithNodeOutputOnFailureAsync(cluster, () => KilledMemberAsync(cluster));
    }

    /// <summary>
    /// Starts three members with a control endpoint and metrics each (their ports returned), writes
    /// the keys through A, reads them through B and C, and waits until every member holds some.
    /// </summary>
    private async Task<(int[] Control, int[] Metrics)> StartThreeWithKeysAsync(ClusterNodes cluster)
    {
        var control = new int[3];
        var metrics = new int[3];
        for (var i = 0; i < 3; i++)
        {
            (control[i], metrics[i]) = (ReusablePort.Next(), ReusablePort.Next());
            await cluster.StartAsync(i, Within(60), $$"""
                akka-tcp.control { enabled = on, port = {{control[i]}} }
                akka-tcp.metrics.prometheus { enabled = on, port = {{metrics[i]}} }
                """);
        }
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        await ClusterNodes.WaitForMembersAsync(a, 3, Within(60));

        // Keys written through A are read through B and C.
        await WriteKeysAsync(a);
        Assert.Equal(KeyCount, CheckValues((await ReadKeysAsync(b))!));
        Assert.Equal(KeyCount, CheckValues((await ReadKeysAsync(c))!));
        Assert.Equal($":{KeyCount}\r\n", await AskAsync(b, "DBSIZE"));
        // Every member holds some of the keys (partitions placed or rebalanced onto it), so a kill loses some.
        for (var i = 0; i < 3; i++)
            await PrometheusScrape.WaitForAsync(metrics[i], s => s.Value("akkatcp_resp_keyspace_keys") > 0, Within(60));
        return (control, metrics);
    }

    /// <summary>
    /// Kills the member running the shard coordinator (the oldest) — the hardest case: its
    /// partitions must start again elsewhere and the coordinator too — and reads every key through
    /// a survivor until the keyspace answers whole (every answer meanwhile is a value, nil or an
    /// error); returns the victim and what was read.
    /// </summary>
    private async Task<(ClusterNodes.Node Victim, string?[] Values)> KillCoordinatorMemberAsync(ClusterNodes cluster)
    {
        var victim = cluster.Nodes.Single(n => n.Host.Output.Any(line => line.Contains("Singleton manager started singleton actor [akka://akka-tcp/system/sharding/resp-keyspace-main")));
        var first = cluster.Nodes.First(n => n != victim);
        victim.Host.Kill();
        var killed = Stopwatch.StartNew();
        string?[]? afterLoss = null;
        while (afterLoss is null)
        {
            Assert.True(killed.Elapsed < Dilated(TimeSpan.FromSeconds(60)), "the keyspace did not answer whole within 60 s of losing a member");
            afterLoss = await ReadKeysAsync(first); // an error until the killed member's partitions have started elsewhere
        }
        Output.WriteLine($"answering again {killed.Elapsed.TotalSeconds:F1} s after the kill");
        return (victim, afterLoss);
    }

    private async Task KilledMemberAsync(ClusterNodes cluster)
    {
        var (control, metrics) = await StartThreeWithKeysAsync(cluster);
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);

        // redis-cli subscribed on C receives what is published through A.
        var info = new ProcessStartInfo("redis-cli", ["-p", c.Resp.Port.ToString(), "subscribe", "alerts"]) { RedirectStandardOutput = true };
        using (var cli = Process.Start(info)!)
        {
            try
            {
                Assert.Equal(["subscribe", "alerts", "1"], await ReadLinesAsync(cli, 3));
                await using var publisher = await RawRespClient.ConnectAsync(a.Resp, Within());
                await ProbeUntilDeliveredAsync(publisher, cli);
                Assert.Equal(":0\r\n", await publisher.AskAsync(Within(), "PUBLISH", "alerts", "from A")); // receivers on A itself, as Redis Cluster counts
                Assert.Equal(["message", "alerts", "from A"], await ReadPastProbesAsync(cli));
            }
            finally
            {
                cli.Kill();
            }
        }

        // A client blocked on C is served by a push through A.
        await using (var waiter = await RawRespClient.ConnectAsync(c.Resp, Within()))
        await using (var observer = await RawRespClient.ConnectAsync(c.Resp, Within()))
        await using (var pusher = await RawRespClient.ConnectAsync(a.Resp, Within()))
        {
            await waiter.SendAsync(Within(), "BLPOP", "jobs", "0");
            await AwaitAssertAsync(async () => Assert.Contains("blocked_clients:1\r\n", await observer.AskAsync(Within(), "INFO", "clients")), Dilated(TimeSpan.FromSeconds(10)));
            Assert.Equal(":1\r\n", await pusher.AskAsync(Within(), "RPUSH", "jobs", "j1"));
            Assert.Equal("*2\r\n$4\r\njobs\r\n$2\r\nj1\r\n", await waiter.ReadReplyAsync(Within()));
        }

        // A client library pool over the three members, one connection on each.
        await using var pool = new global::AkkaTcp.Client.RespClient([a.Resp, b.Resp, c.Resp], PoolOfThree, Sys);
        await pool.Pool.WarmUpAsync(Within());
        Assert.Equal(3, pool.Pool.Connections);
        foreach (var node in cluster.Nodes)
            await AwaitAssertAsync(async () => Assert.Equal(2, await ClientsOnAsync(node)), Dilated(TimeSpan.FromSeconds(10))); // the pool's and the observer's

        // After the failure detector and the split-brain resolver, the keys the survivors held answer again.
        var (victim, afterLoss) = await KillCoordinatorMemberAsync(cluster);
        var (first, second) = (cluster.Nodes.First(n => n != victim), cluster.Nodes.Last(n => n != victim));
        var survivors = CheckValues(afterLoss);
        Output.WriteLine($"{survivors} of {KeyCount} keys kept (the rest lived on the killed member)");
        Assert.InRange(survivors, 1, KeyCount - 1);
        Assert.Equal(afterLoss, await ReadKeysAsync(second));
        await first.Host.WaitForLineAsync(line => line.Contains($"Cluster member removed: {victim.Address}"), Within(60));
        Assert.Equal($":{survivors}\r\n", await AskAsync(second, "DBSIZE"));

        // The pool's connection to the killed member is gone; its callers are served by the others, with the same answers.
        var throughPool = await Task.WhenAll(KeyNames.Select(key => pool.GetAsync(key))).WaitAsync(Within(60));
        Assert.Equal(afterLoss, throughPool);
        // Min-idle keeps three connections: the lost one is dialled again, on a member that answers.
        await AwaitAssertAsync(async () => Assert.Equal(3, await ClientsOnAsync(first) + await ClientsOnAsync(second) - 2), Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, pool.Pool.Connections);

        // The operator sees the same: ctl cluster and the members gauge.
        await using var ctl = HostProcess.Start("ctl", "cluster", "--control", $"127.0.0.1:{control[first.Index]}");
        Assert.Equal(0, await ctl.WaitForExitAsync(Within()));
        Assert.Equal(2, ctl.Output.Count(line => line.StartsWith("akka.tcp://") && line.Contains(" up ")));
        Assert.DoesNotContain(ctl.Output, line => line.Contains(victim.Address));
        var scrape = await PrometheusScrape.WaitForAsync(metrics[first.Index], s => s.Value("akkatcp_cluster_members", "status=\"up\"") == 2, Within());
        Assert.Equal(0, scrape.Value("akkatcp_cluster_members", "status=\"unreachable\""));
    }

    [Fact]
    public async Task With_snapshots_on_a_killed_member_loses_no_key_written_before_its_last_snapshot()
    {
        await using var cluster = new ClusterNodes(seeds: 3, """
            akka-tcp.servers.main.resp.snapshot-interval = 200ms
            akka.persistence.snapshot-store {
              plugin = "akka.persistence.snapshot-store.sql"
              sql { connection-string = "Data Source={directory}/snapshots.db", provider-name = "SQLite.MS", auto-initialize = on }
            }
            """);
        await WithNodeOutputOnFailureAsync(cluster, async () =>
        {
            await StartThreeWithKeysAsync(cluster);
            foreach (var node in cluster.Nodes)
                await AwaitAssertAsync(async () => Assert.Contains("rdb_changes_since_last_save:0\r\n", await AskAsync(node, "INFO", "persistence")), Dilated(TimeSpan.FromSeconds(30)));

            var (victim, afterLoss) = await KillCoordinatorMemberAsync(cluster);
            Assert.Equal(KeyCount, CheckValues(afterLoss));
            var survivor = cluster.Nodes.Last(n => n != victim);
            Assert.Equal($":{KeyCount}\r\n", await AskAsync(survivor, "DBSIZE"));
            Assert.Contains(cluster.Nodes.Where(n => n != victim).SelectMany(n => n.Host.Output), line => line.Contains("started from its snapshot with"));
        });
    }

    [Fact]
    public async Task While_its_snapshot_cannot_be_loaded_a_partition_serves_nothing_and_serves_once_it_can()
    {
        await using var cluster = new ClusterNodes(seeds: 1, """
            akka-tcp.servers.main.resp { snapshot-interval = 200ms, request-timeout = 1s }
            akka.persistence.snapshot-store {
              plugin = "akka.persistence.snapshot-store.sql"
              sql { connection-string = "Data Source={directory}/not-yet/snapshots.db", provider-name = "SQLite.MS", auto-initialize = on }
            }
            """);
        await WithNodeOutputOnFailureAsync(cluster, async () =>
        {
            var node = await cluster.StartAsync(0, Within(60)); // a cluster of its own
            // The database's directory does not exist: no snapshot can be loaded, and no partition answers from an empty keyspace.
            Assert.StartsWith("-ERR request timed out", await AskAsync(node, "SET", "k", "v"));
            await node.Host.WaitForLineAsync(line => line.Contains("SnapshotStore initialization"), Within(60)); // Akka.Persistence.Sql's, retried every second
            Assert.StartsWith("-ERR request timed out", await AskAsync(node, "GET", "k"));

            Directory.CreateDirectory(Path.Combine(cluster.SharedDirectory, "not-yet"));
            await AwaitAssertAsync(async () => Assert.Equal("+OK\r\n", await AskAsync(node, "SET", "k", "v")), Dilated(TimeSpan.FromSeconds(90)));
            Assert.Equal("$1\r\nv\r\n", await AskAsync(node, "GET", "k"));
            await AwaitAssertAsync(async () => Assert.Contains("rdb_changes_since_last_save:0\r\n", await AskAsync(node, "INFO", "persistence")), Dilated(TimeSpan.FromSeconds(30)));
        });
    }

    /// <summary>The reply to <paramref name="command"/> sent to <paramref name="node"/> on a connection of its own.</summary>
    private async Task<string> AskAsync(ClusterNodes.Node node, params string[] command)
    {
        await using var client = await RawRespClient.ConnectAsync(node.Resp, Within());
        return await client.AskAsync(Within(), command);
    }

    /// <summary>Snapshots every <paramref name="interval"/> into the SQLite file <paramref name="database"/>.</summary>
    private static string Snapshots(string database, string interval) => $$"""
        akka-tcp.servers.main.resp.snapshot-interval = {{interval}}
        akka.persistence.snapshot-store {
          plugin = "akka.persistence.snapshot-store.sql"
          sql { connection-string = "Data Source={{database}}", provider-name = "SQLite.MS", auto-initialize = on }
        }
        akka.cluster.sharding.rebalance-interval = 1s
        """;

    /// <summary>A one-member cluster saves version 1 of every key in <paramref name="database"/>, then dies whole.</summary>
    private async Task SaveVersionOneAsync(string database)
    {
        await using var before = new ClusterNodes(seeds: 1, Snapshots(database, "200ms"));
        await WithNodeOutputOnFailureAsync(before, async () =>
        {
            var only = await before.StartAsync(0, Within(60));
            await WriteKeysAsync(only, "v1");
            await AwaitAssertAsync(async () => Assert.Contains("rdb_changes_since_last_save:0\r\n", await AskAsync(only, "INFO", "persistence")), Dilated(TimeSpan.FromSeconds(30)));
        });
    }

    private static string NewDatabase() => Path.Combine(Path.GetTempPath(), $"akka-tcp-snapshots-{Guid.NewGuid():N}.db");

    private static void DeleteDatabase(string database)
    {
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(database)!, Path.GetFileName(database) + "*"))
            File.Delete(file);
    }

    [Fact]
    public async Task A_snapshot_made_with_another_partition_count_is_refused_not_loaded_into_the_wrong_partitions()
    {
        var database = NewDatabase();
        try
        {
            await SaveVersionOneAsync(database); // 12 partitions
            await using var cluster = new ClusterNodes(seeds: 1, Snapshots(database, "1h") + "\nakka-tcp.servers.main.resp.partitions = 8");
            await WithNodeOutputOnFailureAsync(cluster, async () =>
            {
                var node = await cluster.StartAsync(0, Within(60));
                Assert.Equal(":0\r\n", await AskAsync(node, "DBSIZE"));
                await node.Host.WaitForLineAsync(line => line.Contains("its snapshot was made with 12 partitions and the keyspace now has 8"), Within(30));
                await WriteKeysAsync(node, "v2");
                Assert.Equal(KeyCount, CheckValues((await ReadKeysAsync(node))!, "v2"));
            });
        }
        finally
        {
            DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task With_snapshots_a_cluster_started_anew_has_its_keys_and_a_moved_partition_keeps_its_newer_ones()
    {
        var database = NewDatabase();
        try
        {
            await SaveVersionOneAsync(database);

            // A new cluster on the same database, saving only hourly: it starts from version 1.
            await using var cluster = new ClusterNodes(seeds: 2, Snapshots(database, "1h"));
            await WithNodeOutputOnFailureAsync(cluster, async () =>
            {
                var a = await cluster.StartAsync(0, Within(60));
                var b = await cluster.StartAsync(1, Within(60));
                await ClusterNodes.WaitForMembersAsync(a, 2, Within(60));
                Assert.Equal(KeyCount, CheckValues((await ReadKeysAsync(b))!, "v1"));

                // Version 2, in no snapshot. Partitions moved to a joining member, and back when it
                // leaves, keep version 2: what they hand over wins over their older snapshots.
                await WriteKeysAsync(a, "v2");
                var c = await cluster.StartAsync(2, Within(60));
                await a.Host.WaitForLineAsync(line => line.Contains($"keys handed to {c.Address}"), Within(60));
                Assert.Equal(KeyCount, CheckValues((await ReadKeysAsync(c))!, "v2"));
                c.Host.Terminate();
                Assert.Equal(0, await c.Host.WaitForExitAsync(Within(60)));
                Assert.Equal(KeyCount, CheckValues((await ReadKeysAsync(a))!, "v2"));
            });
        }
        finally
        {
            DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task A_joining_member_takes_partitions_with_their_keys_and_a_leaving_one_hands_them_back()
    {
        await using var cluster = new ClusterNodes(seeds: 2, "akka.cluster.sharding.rebalance-interval = 1s");
        await WithNodeOutputOnFailureAsync(cluster, () => JoinAndLeaveAsync(cluster));
    }

    private async Task WithNodeOutputOnFailureAsync(ClusterNodes cluster, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch
        {
            cluster.WriteOutput(Output);
            throw;
        }
    }

    private async Task JoinAndLeaveAsync(ClusterNodes cluster)
    {
        var a = await cluster.StartAsync(0, Within(60));
        var b = await cluster.StartAsync(1, Within(60));
        await ClusterNodes.WaitForMembersAsync(a, 2, Within(60));
        await WriteKeysAsync(a);
        // A client blocked on a list in every partition: moved partitions take it along.
        var queues = Enumerable.Range(0, Partitions).Select(QueueIn).ToArray();
        await using var waiter = await RawRespClient.ConnectAsync(b.Resp, Within());
        await using var observer = await RawRespClient.ConnectAsync(b.Resp, Within());
        await waiter.SendAsync(Within(), ["BLPOP", .. queues, "0"]);
        await AwaitAssertAsync(async () => Assert.Contains("blocked_clients:1\r\n", await observer.AskAsync(Within(), "INFO", "clients")), Dilated(TimeSpan.FromSeconds(10)));

        var c = await cluster.StartAsync(2, Within(60));
        var handedToC = a.Host.WaitForLineAsync(line => line.Contains($"keys handed to {c.Address}"), Within(60));
        var reads = 0;
        while (!handedToC.IsCompleted)
        {
            var values = await ReadKeysAsync(reads % 2 == 0 ? a : b);
            if (values is not null)
                Assert.Equal(KeyCount, CheckValues(values)); // a partition in hand-off holds its requests, never answers without its keys
            reads++;
        }
        await handedToC;
        Assert.Equal(KeyCount, CheckValues((await ReadKeysAsync(c))!));
        Output.WriteLine($"{reads} full reads during the hand-over");

        // C leaves (SIGTERM): its partitions go back to A and B with their keys.
        c.Host.Terminate();
        Assert.Equal(0, await c.Host.WaitForExitAsync(Within(60)));
        var handedBack = c.Host.Output.Select(line => HandedOffLine().Match(line)).First(match => match.Success);
        Assert.Equal(KeyCount, CheckValues((await ReadKeysAsync(a))!));
        Assert.Equal(KeyCount, CheckValues((await ReadKeysAsync(b))!));

        // The blocked client moved to C with that partition and back: a push there serves it, once.
        var moved = queues[int.Parse(handedBack.Groups[1].Value)];
        await using (var pusher = await RawRespClient.ConnectAsync(a.Resp, Within()))
            Assert.Equal(":1\r\n", await pusher.AskAsync(Within(), "RPUSH", moved, "twice-moved"));
        Assert.Equal($"*2\r\n${moved.Length}\r\n{moved}\r\n$11\r\ntwice-moved\r\n", await waiter.ReadReplyAsync(Within()));
        Assert.Contains("blocked_clients:0\r\n", await observer.AskAsync(Within(), "INFO", "clients"));
        Assert.Equal(":0\r\n", await observer.AskAsync(Within(), "LLEN", moved));
    }

    /// <summary>The partition count ClusterNodes configures.</summary>
    private const int Partitions = 12;

    /// <summary>A list key in partition <paramref name="partition"/>.</summary>
    private static string QueueIn(int partition) =>
        Enumerable.Range(0, 10_000).Select(i => $"queue:{i}").First(key => global::AkkaTcp.Keyspace.ByteKeyComparer.Partition(System.Text.Encoding.UTF8.GetBytes(key), Partitions) == partition);

    [System.Text.RegularExpressions.GeneratedRegex(@"Keyspace partition (\d+) handed off with \d+ keys and 1 blocked clients")]
    private static partial System.Text.RegularExpressions.Regex HandedOffLine();
}
