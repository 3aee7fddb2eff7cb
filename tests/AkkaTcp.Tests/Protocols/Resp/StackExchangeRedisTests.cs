using AkkaTcp.Tests.Support;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>The resp server driven by StackExchange.Redis, a client nobody here wrote.</summary>
public sealed class StackExchangeRedisTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Fifty_concurrent_tasks_set_get_expire_increment_and_pipeline_batches()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = resp");
        var redis = await StackExchangeRedisConnect.ConnectAsync(server.LocalEndPoint, Dilated(TimeSpan.FromSeconds(10)), Output);
        await using var _ = redis;
        var db = redis.GetDatabase();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(async task =>
        {
            var key = $"task:{task}";
            Assert.True(await db.StringSetAsync(key, $"value {task}"));
            Assert.Equal($"value {task}", (string?)await db.StringGetAsync(key));
            Assert.True(await db.KeyExpireAsync(key, TimeSpan.FromMinutes(5)));
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
            for (var i = 1; i <= 20; i++)
                Assert.Equal(i, await db.StringIncrementAsync($"counter:{task}"));

            var batch = db.CreateBatch();
            var sets = Enumerable.Range(0, 100).Select(i => batch.StringSetAsync($"batch:{task}:{i}", i)).ToArray();
            var gets = Enumerable.Range(0, 100).Select(i => batch.StringGetAsync($"batch:{task}:{i}")).ToArray();
            batch.Execute();
            Assert.All(await Task.WhenAll(sets), Assert.True);
            var values = await Task.WhenAll(gets);
            for (var i = 0; i < 100; i++)
                Assert.Equal(i, (int)values[i]);
        }));

        Assert.Equal(50 * (1 + 1 + 100), (long)(await db.ExecuteAsync("DBSIZE")));
    }
}
