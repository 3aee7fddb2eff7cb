using AkkaTcp.Tests.Support;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>Every command family through StackExchange.Redis's own API, as an application would call it.</summary>
public sealed class StackExchangeRedisFamiliesTests(ITestOutputHelper output) : ServerSpec(output)
{
    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = resp");
        return await StackExchangeRedisConnect.ConnectAsync(server.LocalEndPoint, Dilated(TimeSpan.FromSeconds(10)), Output);
    }

    [Fact]
    public async Task Strings_and_expiry()
    {
        await using var redis = await ConnectAsync();
        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("s", "value", TimeSpan.FromMinutes(1)));
        Assert.False(await db.StringSetAsync("s", "other", when: When.NotExists));
        var withExpiry = await db.StringGetSetExpiryAsync("s", TimeSpan.FromMinutes(2));
        Assert.Equal("value", (string?)withExpiry);
        Assert.InRange((await db.KeyTimeToLiveAsync("s"))!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromMinutes(2));
        Assert.Equal("value", (string?)await db.StringGetDeleteAsync("s"));
        Assert.False(await db.KeyExistsAsync("s"));

        Assert.Equal(10.6, await db.StringIncrementAsync("f", 10.6), 10);
        Assert.Equal(11, await db.StringIncrementAsync("i", 11));
        Assert.Equal(5, await db.StringSetRangeAsync("r", 0, "hello"));
        Assert.Equal("ell", (string?)await db.StringGetRangeAsync("r", 1, 3));
        Assert.True(await db.StringSetAsync([new("{t}a", "ohmytext"), new("{t}b", "mynewtext")]));
        Assert.Equal("mytext", await db.StringLongestCommonSubsequenceAsync("{t}a", "{t}b"));
        Assert.False(await db.StringSetBitAsync("bits", 3, true));
        Assert.True(await db.StringGetBitAsync("bits", 3));
        Assert.Equal(1, await db.StringBitCountAsync("bits"));
        Assert.Equal(3, await db.StringBitPositionAsync("bits", true));

        Assert.True(await db.KeyExpireAsync("i", TimeSpan.FromMinutes(5), ExpireWhen.HasNoExpiry));
        Assert.False(await db.KeyExpireAsync("i", TimeSpan.FromMinutes(9), ExpireWhen.HasNoExpiry));
        Assert.True(await db.KeyExpireAsync("i", TimeSpan.FromMinutes(9), ExpireWhen.GreaterThanCurrentExpiry));
        Assert.InRange((await db.KeyExpireTimeAsync("i"))!.Value, DateTime.UtcNow.AddMinutes(8), DateTime.UtcNow.AddMinutes(10));
        Assert.True(await db.KeyPersistAsync("i"));
        Assert.Equal(RedisType.String, await db.KeyTypeAsync("i"));
        Assert.True(await db.KeyRenameAsync("i", "renamed"));
        Assert.True(await db.KeyCopyAsync("renamed", "copied"));
        Assert.Equal(11, (long)await db.StringGetAsync("copied"));
        Assert.Equal(2, await db.KeyTouchAsync(["renamed", "copied", "missing"]));
        Assert.NotNull((string?)await db.KeyRandomAsync());
    }

    [Fact]
    public async Task Hashes()
    {
        await using var redis = await ConnectAsync();
        var db = redis.GetDatabase();
        await db.HashSetAsync("h", [new("name", "ada"), new("year", 1815)]);
        Assert.True(await db.HashSetAsync("h", "city", "london", When.NotExists));
        Assert.Equal("ada", (string?)await db.HashGetAsync("h", "name"));
        Assert.Equal(["ada", null], (await db.HashGetAsync("h", ["name", "nope"])).Select(v => (string?)v));
        Assert.Equal(1816, await db.HashIncrementAsync("h", "year"));
        Assert.Equal(0.5, await db.HashIncrementAsync("h", "score", 0.5));
        Assert.Equal(4, await db.HashLengthAsync("h"));
        Assert.Equal(3, await db.HashStringLengthAsync("h", "name"));
        Assert.True(await db.HashExistsAsync("h", "city"));
        Assert.Equal(["city", "name", "score", "year"], (await db.HashKeysAsync("h")).Select(v => (string)v!).Order());
        Assert.Equal(4, (await db.HashGetAllAsync("h")).Length);
        Assert.Equal(4, (await db.HashValuesAsync("h")).Length);
        Assert.Contains((string?)await db.HashRandomFieldAsync("h"), new[] { "city", "name", "score", "year" });
        var scanned = new List<string>();
        await foreach (var entry in db.HashScanAsync("h", "*e*", pageSize: 2))
            scanned.Add(entry.Name!);
        Assert.Equal(["name", "score", "year"], scanned.Order());
        Assert.True(await db.HashDeleteAsync("h", "city"));
        Assert.Equal(3, await db.HashDeleteAsync("h", ["name", "score", "year"]));
        Assert.False(await db.KeyExistsAsync("h"));
    }

    [Fact]
    public async Task Lists()
    {
        await using var redis = await ConnectAsync();
        var db = redis.GetDatabase();
        Assert.Equal(3, await db.ListRightPushAsync("l", ["a", "b", "c"]));
        Assert.Equal(4, await db.ListLeftPushAsync("l", "z"));
        Assert.Equal(["z", "a", "b", "c"], (await db.ListRangeAsync("l")).Select(v => (string)v!));
        Assert.Equal("b", (string?)await db.ListGetByIndexAsync("l", -2));
        await db.ListSetByIndexAsync("l", 0, "first");
        Assert.Equal(5, await db.ListInsertAfterAsync("l", "a", "a2"));
        Assert.Equal(2, await db.ListPositionAsync("l", "a2"));
        Assert.Equal(1, await db.ListRemoveAsync("l", "a2"));
        Assert.Equal(["first", "a"], (await db.ListLeftPopAsync("l", 2)).Select(v => (string)v!));
        Assert.Equal("c", (string?)await db.ListRightPopAsync("l"));
        Assert.Equal("b", (string?)await db.ListMoveAsync("l", "other", ListSide.Left, ListSide.Right));
        Assert.Equal(0, await db.ListLengthAsync("l"));
        Assert.Equal(1, await db.ListLengthAsync("other"));
        await db.ListRightPushAsync("t", ["1", "2", "3", "4"]);
        await db.ListTrimAsync("t", 1, 2);
        Assert.Equal(["2", "3"], (await db.ListRangeAsync("t")).Select(v => (string)v!));
    }

    [Fact]
    public async Task Sets()
    {
        await using var redis = await ConnectAsync();
        var db = redis.GetDatabase();
        Assert.Equal(3, await db.SetAddAsync("a", ["x", "y", "z"]));
        Assert.Equal(2, await db.SetAddAsync("b", ["y", "w"]));
        Assert.True(await db.SetContainsAsync("a", "x"));
        var contained = await db.SetContainsAsync("a", ["y", "w"]);
        Assert.Equal(new[] { true, false }, contained);
        Assert.Equal(3, await db.SetLengthAsync("a"));
        Assert.Equal(["y"], (await db.SetCombineAsync(SetOperation.Intersect, "a", "b")).Select(v => (string)v!));
        Assert.Equal(["w", "x", "y", "z"], (await db.SetCombineAsync(SetOperation.Union, "a", "b")).Select(v => (string)v!).Order());
        Assert.Equal(["x", "z"], (await db.SetCombineAsync(SetOperation.Difference, "a", "b")).Select(v => (string)v!).Order());
        Assert.True(await db.SetMoveAsync("a", "b", "x"));
        Assert.Equal(2, (await db.SetRandomMembersAsync("b", 2)).Length);
        var scanned = new List<string>();
        await foreach (var member in db.SetScanAsync("b", pageSize: 1))
            scanned.Add(member!);
        Assert.Equal(["w", "x", "y"], scanned.Order());
        Assert.NotNull((string?)await db.SetPopAsync("b"));
        Assert.True(await db.SetRemoveAsync("a", "y"));
        Assert.Equal(["z"], (await db.SetMembersAsync("a")).Select(v => (string)v!));
    }

    [Fact]
    public async Task Server_scan_info_clients_and_wrongtype()
    {
        await using var redis = await ConnectAsync();
        var db = redis.GetDatabase();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        for (var i = 0; i < 250; i++)
            await db.StringSetAsync($"scan:{i}", i);
        await db.HashSetAsync("scan:hash", "f", "v");
        var keys = new HashSet<string>();
        await foreach (var key in server.KeysAsync(pattern: "scan:*", pageSize: 17))
            keys.Add(key!);
        Assert.Equal(251, keys.Count);
        Assert.Equal(251, await server.DatabaseSizeAsync());

        var info = (await server.InfoAsync()).ToDictionary(group => group.Key, group => group.ToDictionary(pair => pair.Key, pair => pair.Value));
        Assert.Contains("Server", info.Keys);
        Assert.Equal("251", info["Keyspace"]["db0"].Split(',')[0].Split('=')[1]);
        Assert.True(long.Parse(info["Stats"]["keyspace_misses"]) >= 0);
        var commandStats = (await server.InfoAsync("commandstats")).Single().ToDictionary(pair => pair.Key, pair => pair.Value);
        Assert.StartsWith("calls=250,", commandStats["cmdstat_set"]);

        var clients = await server.ClientListAsync();
        Assert.NotEmpty(clients);
        Assert.All(clients, client => Assert.True(client.Id > 0));

        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.ListLeftPushAsync("scan:hash", "x"));
        Assert.Equal("WRONGTYPE Operation against a key holding the wrong kind of value", error.Message);
    }
}
