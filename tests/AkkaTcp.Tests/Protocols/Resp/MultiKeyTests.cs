using AkkaTcp.Keyspace;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>
/// Commands on keys in different partitions (done by the connection in steps) answer as Redis
/// does, and commands pipelined after them see them done.
/// </summary>
public sealed class MultiKeyTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string Resp = "akka-tcp.servers.main.protocol = resp\nakka-tcp.servers.main.resp.partitions = 8";
    private static readonly (string A, string B) Keys = BlockingPopTests.KeysInTwoPartitions(8);

    private async Task<RawRespClient> ClientAsync()
    {
        var server = await StartServerAsync(Resp);
        return await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());
    }

    [Fact]
    public void The_test_keys_are_in_different_partitions_and_hash_tags_share_one()
    {
        static int P(string key) => ByteKeyComparer.Partition(System.Text.Encoding.ASCII.GetBytes(key), 8);
        Assert.NotEqual(P(Keys.A), P(Keys.B));
        var tagged = Enumerable.Range(0, 50).Select(i => P($"{{user1}}:field{i}")).Distinct();
        Assert.Single(tagged);
        Assert.Equal(P("user1"), P("x{user1}y"));
        Assert.NotEqual(P("{}a"), P("{}b")); // an empty tag is no tag: the whole key counts
    }

    [Fact]
    public async Task Rename_across_partitions_moves_value_and_expiry_and_a_pipelined_read_sees_it()
    {
        await using var client = await ClientAsync();
        var (a, b) = Keys;
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "SET", a, "v", "EX", "1000"));
        await client.SendAsync(Within(), "RENAME", a, b);
        await client.SendAsync(Within(), "GET", b);
        await client.SendAsync(Within(), "EXISTS", a);
        await client.SendAsync(Within(), "TTL", b);
        Assert.Equal("+OK\r\n", await client.ReadReplyAsync(Within()));
        Assert.Equal("$1\r\nv\r\n", await client.ReadReplyAsync(Within()));
        Assert.Equal(":0\r\n", await client.ReadReplyAsync(Within()));
        var ttl = await client.ReadReplyAsync(Within()); // whole seconds, rounded: a loaded machine may have spent some since the SET
        Assert.Matches(@"^:(1000|99\d)\r\n$", ttl);

        Assert.Equal("-ERR no such key\r\n", await client.AskAsync(Within(), "RENAME", a, b));
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "SET", a, "other"));
        Assert.Equal(":0\r\n", await client.AskAsync(Within(), "RENAMENX", a, b));
        Assert.Equal("$5\r\nother\r\n", await client.AskAsync(Within(), "GET", a)); // left alone
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "DEL", b));
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "RENAMENX", a, b));
        Assert.Equal("$5\r\nother\r\n", await client.AskAsync(Within(), "GET", b));
    }

    [Fact]
    public async Task Copy_across_partitions_copies_collections_deeply()
    {
        await using var client = await ClientAsync();
        var (a, b) = Keys;
        Assert.Equal(":2\r\n", await client.AskAsync(Within(), "RPUSH", a, "x", "y"));
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "COPY", a, b));
        Assert.Equal(":0\r\n", await client.AskAsync(Within(), "COPY", a, b));
        Assert.Equal(":3\r\n", await client.AskAsync(Within(), "RPUSH", b, "z"));
        Assert.Equal(":2\r\n", await client.AskAsync(Within(), "LLEN", a)); // the copy is its own list
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "COPY", a, b, "REPLACE"));
        Assert.Equal(":2\r\n", await client.AskAsync(Within(), "LLEN", b));
    }

    [Fact]
    public async Task Msetnx_across_partitions_sets_all_or_none()
    {
        await using var client = await ClientAsync();
        var (a, b) = Keys;
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "MSETNX", a, "1", b, "2"));
        Assert.Equal(":0\r\n", await client.AskAsync(Within(), "MSETNX", "fresh", "3", b, "4"));
        Assert.Equal("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n", await client.AskAsync(Within(), "MGET", a, b, "fresh"));
        Assert.Equal(":2\r\n", await client.AskAsync(Within(), "DEL", a, b, "fresh"));
    }

    [Fact]
    public async Task Lmove_smove_set_algebra_and_lcs_across_partitions()
    {
        await using var client = await ClientAsync();
        var (a, b) = Keys;
        Assert.Equal(":3\r\n", await client.AskAsync(Within(), "RPUSH", a, "1", "2", "3"));
        Assert.Equal("$1\r\n1\r\n", await client.AskAsync(Within(), "LMOVE", a, b, "LEFT", "RIGHT"));
        Assert.Equal("$1\r\n3\r\n", await client.AskAsync(Within(), "RPOPLPUSH", a, b));
        Assert.Equal("*2\r\n$1\r\n3\r\n$1\r\n1\r\n", await client.AskAsync(Within(), "LRANGE", b, "0", "-1"));
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "DEL", a));
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "DEL", b));

        Assert.Equal(":3\r\n", await client.AskAsync(Within(), "SADD", a, "x", "y", "z"));
        Assert.Equal(":2\r\n", await client.AskAsync(Within(), "SADD", b, "y", "w"));
        Assert.Equal("*1\r\n$1\r\ny\r\n", await client.AskAsync(Within(), "SINTER", a, b));
        Assert.Equal(4, (await client.AskAsync(Within(), "SUNION", a, b)).Split("\r\n").Count(line => line.Length == 1));
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "SMOVE", a, b, "x"));
        Assert.Equal(":0\r\n", await client.AskAsync(Within(), "SMOVE", a, b, "x"));
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "SISMEMBER", b, "x"));
        Assert.Equal("*1\r\n$1\r\nz\r\n", await client.AskAsync(Within(), "SDIFF", a, b));
        Assert.Equal(":2\r\n", await client.AskAsync(Within(), "DEL", a, b));

        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "MSET", a, "ohmytext", b, "mynewtext"));
        Assert.Equal("$6\r\nmytext\r\n", await client.AskAsync(Within(), "LCS", a, b));
        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "HSET", "hash", "f", "v"));
        Assert.Equal("-ERR The specified keys must contain string values\r\n", await client.AskAsync(Within(), "LCS", a, "hash"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", await client.AskAsync(Within(), "SINTER", a, b));
    }

    [Fact]
    public async Task Concurrent_moves_between_partitions_lose_and_duplicate_nothing()
    {
        var server = await StartServerAsync(Resp);
        var (a, b) = Keys;
        await using (var setup = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within()))
        {
            for (var i = 0; i < 100; i++)
                await setup.AskAsync(Within(), "RPUSH", i % 2 == 0 ? a : b, $"item{i}");
            await setup.AskAsync(Within(), "SADD", a + ":set", "m1", "m2", "m3", "m4", "m5");
        }

        // Twenty clients move list items and set members back and forth, and rename a key to and
        // fro, all across the two partitions at once.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async c =>
        {
            await using var client = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());
            for (var round = 0; round < 50; round++)
            {
                var (from, to) = (round + c) % 2 == 0 ? (a, b) : (b, a);
                await client.AskAsync(Within(), "LMOVE", from, to, "LEFT", "RIGHT");
                await client.AskAsync(Within(), "RPOPLPUSH", to, from);
                await client.AskAsync(Within(), "SMOVE", from + ":set", to + ":set", $"m{1 + (round + c) % 5}");
                await client.AskAsync(Within(), "BLMOVE", from, to, "RIGHT", "LEFT", "0.01");
            }
        }));

        await using var checker = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());
        var items = new List<string>();
        var members = new List<string>();
        foreach (var key in new[] { a, b })
        {
            items.AddRange((await checker.AskAsync(Within(), "LRANGE", key, "0", "-1")).Split("\r\n").Where(line => line.StartsWith("item")));
            members.AddRange((await checker.AskAsync(Within(), "SMEMBERS", key + ":set")).Split("\r\n").Where(line => line.StartsWith('m')));
        }
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"item{i}").Order(), items.Order());
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], members.Order());
    }
}
