using System.Diagnostics;
using System.Text.RegularExpressions;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>maxmemory and its policies: the keyspace stays within its bound under load, and evicts what the policy says.</summary>
public sealed class MaxMemoryTests(ITestOutputHelper output) : ServerSpec(output)
{
    private async Task<(AkkaTcpServer, RawRespClient)> StartAsync(string maxMemory, string policy)
    {
        var server = await StartServerAsync($"""
            akka-tcp.servers.main.protocol = resp
            akka-tcp.servers.main.resp.maxmemory = {maxMemory}
            akka-tcp.servers.main.resp.maxmemory-policy = {policy}
            """);
        return (server, await RawRespClient.ConnectAsync(server.LocalEndPoint, Within()));
    }

    private static long Figure(string info, string name) => long.Parse(Regex.Match(info, $@"{name}:(\d+)").Groups[1].Value);

    [Fact]
    public async Task Noeviction_refuses_writes_when_full_keeps_every_key_and_accepts_them_again_after_deletes()
    {
        var (_, client) = await StartAsync("64k", "noeviction");
        await using var _ = client;
        var value = new string('v', 100);
        var stored = 0;
        for (; stored < 5000; stored++)
        {
            var reply = await client.AskAsync(Within(), "SET", $"key:{stored}", value);
            if (reply != "+OK\r\n")
            {
                Assert.Equal("-OOM command not allowed when used memory > 'maxmemory'.\r\n", reply);
                break;
            }
        }
        Assert.InRange(stored, 50, 4999);
        Assert.Equal($"${value.Length}\r\n{value}\r\n", await client.AskAsync(Within(), "GET", "key:0")); // nothing was evicted
        Assert.Equal($":{stored}\r\n", await client.AskAsync(Within(), "DBSIZE"));
        Assert.StartsWith("-OOM", await client.AskAsync(Within(), "RPUSH", "list", "x"));
        Assert.Equal($":{stored}\r\n", await client.AskAsync(Within(), "DBSIZE"));

        var keys = Enumerable.Range(0, stored).Select(i => $"key:{i}").ToArray();
        Assert.Equal($":{stored}\r\n", await client.AskAsync(Within(), ["DEL", .. keys])); // DEL needs no room
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "SET", "again", value));
        var info = await client.AskAsync(Within(), "INFO", "memory");
        Assert.Contains("maxmemory:65536\r\n", info);
        Assert.Contains("maxmemory_policy:noeviction\r\n", info);
    }

    [ToolFact(ExternalTools.RedisBenchmark)]
    public async Task Allkeys_lru_holds_the_bound_under_redis_benchmark_and_keeps_keys_in_use()
    {
        var (server, client) = await StartAsync("0", "noeviction");
        await using var _ = client;
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "CONFIG", "SET", "maxmemory", "2mb", "maxmemory-policy", "allkeys-lru"));
        for (var i = 0; i < 20; i++)
            Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "SET", $"hot:{i}", "in use"));

        // Load from the real redis-benchmark, while this client keeps reading the hot keys.
        var info = new ProcessStartInfo("redis-benchmark",
            ["-p", server.LocalEndPoint.Port.ToString(), "-t", "set", "-r", "100000", "-n", "100000", "-d", "100", "-c", "20", "-P", "16", "-q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var benchmark = Process.Start(info) ?? throw new InvalidOperationException("cannot start redis-benchmark (apt-get install redis-tools)");
        var stdout = benchmark.StandardOutput.ReadToEndAsync(Within(120));
        var stderr = benchmark.StandardError.ReadToEndAsync(Within(120));
        var exited = benchmark.WaitForExitAsync(Within(120));
        int reads = 0, hits = 0;
        while (!exited.IsCompleted)
        {
            for (var i = 0; i < 20; i++)
                await client.SendAsync(Within(), "GET", $"hot:{i}"); // one write: each key is read every round trip
            for (var i = 0; i < 20; i++, reads++)
            {
                if (await client.ReadReplyAsync(Within()) == "$6\r\nin use\r\n")
                    hits++;
            }
        }
        await exited;
        var text = await stdout + await stderr;
        Output?.WriteLine(text);
        Assert.Equal(0, benchmark.ExitCode);
        Assert.DoesNotContain("OOM", text);

        var memory = await client.AskAsync(Within(), "INFO", "all");
        Assert.InRange(Figure(memory, "used_memory_dataset"), 1024 * 1024, 2 * 1024 * 1024 + 8 * 1024); // within the bound (a key of slack per partition)
        Assert.True(Figure(memory, "evicted_keys") > 10_000, "keys were evicted");
        // Eviction samples 5 keys and takes the least recently used, as Redis: a key in use is
        // rarely the oldest of its sample, while most of the benchmark's keys are gone.
        var kept = long.Parse((await client.AskAsync(Within(), "DBSIZE")).Trim(':', '\r', '\n'));
        Output?.WriteLine($"hot keys read {reads} times, {hits} hits; {kept} keys kept of the benchmark's ~63,000 distinct");
        Assert.True(kept < 20_000, $"{kept} keys kept");
        Assert.True(hits >= reads * 0.95, $"{hits} of {reads} reads of keys in use hit");
        Assert.True(reads > 100, "the keys in use were read while the benchmark ran");
    }

    [Fact]
    public async Task Volatile_ttl_evicts_the_keys_nearest_their_expiry_and_never_a_key_without_one()
    {
        var (_, client) = await StartAsync("64k", "volatile-ttl");
        await using var _ = client;
        var value = new string('v', 100);
        for (var i = 0; i < 40; i++)
            Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "SET", $"keep:{i}", value));
        for (var i = 0; i < 1000; i++)
            Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "SET", $"temp:{i}", value, "EX", (10_000 + i).ToString()));
        for (var i = 0; i < 40; i++)
            Assert.Equal(":1\r\n", await client.AskAsync(Within(), "EXISTS", $"keep:{i}"));
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "EXISTS", "temp:999")); // the longest to live is kept
        Assert.True(Figure(await client.AskAsync(Within(), "INFO", "stats"), "evicted_keys") > 100);

        // Only keys without an expiry left to evict: writes are refused, as by Redis.
        for (var i = 0; i < 1000; i++)
        {
            var reply = await client.AskAsync(Within(), "SET", $"more:{i}", value);
            if (reply.StartsWith("-OOM"))
                return;
        }
        Assert.Fail("writes went on past maxmemory with nothing volatile left to evict");
    }

    [Fact]
    public async Task Config_set_checks_memory_units_and_policies()
    {
        var (_, client) = await StartAsync("0", "noeviction");
        await using var _ = client;
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "CONFIG", "SET", "maxmemory", "100mb"));
        Assert.Equal("*2\r\n$9\r\nmaxmemory\r\n$9\r\n104857600\r\n", await client.AskAsync(Within(), "CONFIG", "GET", "maxmemory"));
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "CONFIG", "SET", "maxmemory", "1k"));
        Assert.Equal("*2\r\n$9\r\nmaxmemory\r\n$4\r\n1000\r\n", await client.AskAsync(Within(), "CONFIG", "GET", "maxmemory"));
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'maxmemory')", await client.AskAsync(Within(), "CONFIG", "SET", "maxmemory", "lots"));
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: noeviction, allkeys-lru",
            await client.AskAsync(Within(), "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
        Assert.Equal("*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n", await client.AskAsync(Within(), "CONFIG", "GET", "maxmemory-policy"));
    }

    [Fact]
    public async Task The_memory_estimate_follows_every_family_and_returns_to_zero_when_the_keys_go()
    {
        var (_, client) = await StartAsync("0", "noeviction");
        await using var _ = client;
        async Task<long> DatasetAsync() => Figure(await client.AskAsync(Within(), "INFO", "memory"), "used_memory_dataset");
        Assert.Equal(0, await DatasetAsync());

        var big = new string('x', 10_000);
        await client.AskAsync(Within(), "RPUSH", "list", big, big);
        await client.AskAsync(Within(), "HSET", "hash", "field", big);
        await client.AskAsync(Within(), "SADD", "set", big);
        await client.AskAsync(Within(), "SET", "text", big);
        await client.AskAsync(Within(), "APPEND", "text", big);
        await client.AskAsync(Within(), "SETRANGE", "text", "30000", "y");
        var full = await DatasetAsync();
        Assert.InRange(full, 20_000 + 10_000 + 10_000 + 30_001, 20_000 + 10_000 + 10_000 + 30_001 + 2_000);

        await client.AskAsync(Within(), "LPOP", "list");
        await client.AskAsync(Within(), "HSET", "hash", "field", "small");
        Assert.InRange(full - await DatasetAsync(), 19_000, 20_100); // shrunk in place
        await client.AskAsync(Within(), "RENAME", "list", "moved");
        await client.AskAsync(Within(), "COPY", "moved", "copied");
        await client.AskAsync(Within(), "LMOVE", "moved", "copied", "LEFT", "LEFT");
        await client.AskAsync(Within(), "SPOP", "set");
        await client.AskAsync(Within(), "DEL", "hash", "text", "copied", "moved");
        Assert.Equal(":0\r\n", await client.AskAsync(Within(), "DBSIZE"));
        Assert.Equal(0, await DatasetAsync());
    }
}
