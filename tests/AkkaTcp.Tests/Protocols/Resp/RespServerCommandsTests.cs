using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>The introspection commands: INFO sections, CLIENT LIST/INFO/KILL, COMMAND from the table, CONFIG GET/SET.</summary>
public sealed class RespServerCommandsTests(ITestOutputHelper output) : ServerSpec(output)
{
    private async Task<(AkkaTcpServer Server, RawRespClient Client)> StartAsync()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = resp");
        return (server, await RawRespClient.ConnectAsync(server.LocalEndPoint, Within()));
    }

    [Fact]
    public async Task Info_has_redis_sections_and_counts_real_figures()
    {
        var (_, client) = await StartAsync();
        await using var _ = client;
        await client.AskAsync(Within(), "SET", "k", "v");
        await client.AskAsync(Within(), "GET", "k");
        await client.AskAsync(Within(), "GET", "missing");
        await client.AskAsync(Within(), "GET");
        await client.AskAsync(Within(), "MGET", "a", "b", "c", "d", "e", "f", "g", "h"); // parts in several partitions, one call

        var all = await client.AskAsync(Within(), "INFO", "all");
        foreach (var section in new[] { "# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Commandstats", "# Keyspace" })
            Assert.Contains(section + "\r\n", all);
        Assert.Contains("keyspace_hits:1\r\n", all);
        Assert.Contains("keyspace_misses:9\r\n", all);
        Assert.Matches(@"cmdstat_mget:calls=1,", all);
        Assert.Matches(@"cmdstat_get:calls=2,usec=\d+,usec_per_call=[\d.]+,rejected_calls=1,failed_calls=0\r\n", all);
        Assert.Contains("db0:keys=1,expires=0,avg_ttl=0", all);

        var standard = await client.AskAsync(Within(), "INFO");
        Assert.Contains("# Memory\r\n", standard);
        Assert.DoesNotContain("# Commandstats", standard); // as Redis: not in the default sections
        var two = await client.AskAsync(Within(), "INFO", "clients", "replication");
        Assert.Contains("connected_clients:1\r\n", two);
        Assert.Contains("role:master\r\n", two);
        Assert.DoesNotContain("# Server", two);

        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "CONFIG", "RESETSTAT"));
        var reset = await client.AskAsync(Within(), "INFO", "commandstats");
        Assert.DoesNotContain("cmdstat_get", reset);
        Assert.Contains("keyspace_hits:0\r\n", await client.AskAsync(Within(), "INFO", "stats"));
    }

    [Fact]
    public async Task Commandstats_counts_a_commands_own_time_never_the_idle_time_before_it()
    {
        var (_, client) = await StartAsync();
        await using var _ = client;
        // Pipelined (one run of frames, the clock chained from command to command), then alone,
        // each after an idle second: a start left over from an earlier run would add that second.
        for (var round = 0; round < 2; round++)
        {
            await client.SendRawAsync([.. RawRespClient.Encode(["SET", "k", "v"]), .. RawRespClient.Encode(["GET", "k"]), .. RawRespClient.Encode(["PING"])], Within());
            Assert.Equal("+OK\r\n", await client.ReadReplyAsync(Within()));
            Assert.Equal("$1\r\nv\r\n", await client.ReadReplyAsync(Within()));
            Assert.Equal("+PONG\r\n", await client.ReadReplyAsync(Within()));
            await Task.Delay(TimeSpan.FromSeconds(1)); // the idle time under test, not a synchronisation
            Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "SET", "k", "v"));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Equal("+PONG\r\n", await client.AskAsync(Within(), "PING"));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        var stats = await client.AskAsync(Within(), "INFO", "commandstats");
        foreach (var (name, calls) in new[] { ("set", 4), ("get", 2), ("ping", 4) })
        {
            var match = System.Text.RegularExpressions.Regex.Match(stats, $@"cmdstat_{name}:calls={calls},usec=(\d+),");
            Assert.True(match.Success, stats);
            Assert.InRange(long.Parse(match.Groups[1].Value), 0, 900_000);
        }
    }

    [Fact]
    public async Task Client_list_info_and_kill_by_id_and_address()
    {
        var (server, client) = await StartAsync();
        await using var _ = client;
        await using var victim = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());
        Assert.Equal("+OK\r\n", await victim.AskAsync(Within(), "CLIENT", "SETNAME", "victim"));
        var victimId = (await victim.AskAsync(Within(), "CLIENT", "ID")).Trim(':', '\r', '\n');
        var info = await victim.AskAsync(Within(), "CLIENT", "INFO");
        Assert.Contains($"id={victimId} addr=127.0.0.1:", info);
        Assert.Contains(" name=victim ", info);
        Assert.Contains(" cmd=client ", info);

        var list = await client.AskAsync(Within(), "CLIENT", "LIST");
        Assert.Equal(2, list.Split('\n').Count(line => line.Contains("id=")));
        Assert.Contains(" name=victim ", list);

        Assert.Equal(":1\r\n", await client.AskAsync(Within(), "CLIENT", "KILL", "ID", victimId));
        Assert.True(await victim.IsClosedAsync(Within()));
        Assert.Equal(":0\r\n", await client.AskAsync(Within(), "CLIENT", "KILL", "ID", victimId));
        Assert.Equal("-ERR No such client\r\n", await client.AskAsync(Within(), "CLIENT", "KILL", "127.0.0.1:1"));

        await using var second = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());
        var address = System.Text.RegularExpressions.Regex.Match(await second.AskAsync(Within(), "CLIENT", "INFO"), @"addr=(\S+)").Groups[1].Value;
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "CLIENT", "KILL", address));
        Assert.True(await second.IsClosedAsync(Within()));
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "CLIENT", "NO-TOUCH", "on"));
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "CLIENT", "NO-EVICT", "on"));
    }

    [Fact]
    public async Task Command_info_docs_and_getkeys_come_from_the_command_table()
    {
        var (_, client) = await StartAsync();
        await using var _ = client;
        var count = int.Parse((await client.AskAsync(Within(), "COMMAND", "COUNT")).Trim(':', '\r', '\n'));
        Assert.True(count > 100);
        Assert.StartsWith($"*{count}\r\n", await client.AskAsync(Within(), "COMMAND"));
        Assert.Equal("*2\r\n*10\r\n$4\r\nmset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n*1\r\n+@string\r\n*0\r\n*0\r\n*0\r\n*-1\r\n",
            await client.AskAsync(Within(), "COMMAND", "INFO", "mset", "nosuch"));
        var docs = await client.AskAsync(Within(), "COMMAND", "DOCS", "lpush");
        Assert.StartsWith("*2\r\n$5\r\nlpush\r\n*6\r\n$7\r\nsummary\r\n", docs);
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nc\r\n", await client.AskAsync(Within(), "COMMAND", "GETKEYS", "MSET", "a", "b", "c", "d"));
        Assert.Equal("-ERR wrong number of arguments for 'hset' command\r\n", await client.AskAsync(Within(), "HSET", "h", "f"));
    }

    [Fact]
    public async Task Config_get_reports_what_the_server_does_and_set_refuses_changes_clearly()
    {
        var (_, client) = await StartAsync();
        await using var _ = client;
        Assert.Equal("*2\r\n$9\r\ndatabases\r\n$1\r\n1\r\n", await client.AskAsync(Within(), "CONFIG", "GET", "databases"));
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "CONFIG", "SET", "databases", "1"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'databases') - not settable here: there is one database\r\n",
            await client.AskAsync(Within(), "CONFIG", "SET", "databases", "16"));
        Assert.Equal("-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n", await client.AskAsync(Within(), "CONFIG", "SET", "nosuch", "1"));
    }
}
