using System.Text;
using Akka.Actor;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>resp under bad, huge and hostile input: Redis's answers, and no wedged partition.</summary>
public sealed class RespEdgeTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string Resp = "akka-tcp.servers.main.protocol = resp\n";

    /// <summary>A request as clients send it: an array of bulk strings.</summary>
    private static string Command(params string[] args) =>
        $"*{args.Length}\r\n" + string.Concat(args.Select(a => $"${Encoding.UTF8.GetByteCount(a)}\r\n{a}\r\n"));

    private async Task<RawLineClient> ConnectAsync(AkkaTcpServer server) => await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

    private async Task<string?> AskAsync(RawLineClient client, params string[] args)
    {
        await client.SendAsync(Command(args), Within());
        return await ReadReplyAsync(client);
    }

    /// <summary>One reply as text: "+OK", "-ERR ...", ":1", a bulk's contents, "(nil)", or "*N" for an array header.</summary>
    private async Task<string?> ReadReplyAsync(RawLineClient client)
    {
        var line = (await client.ReadLineAsync(Within()))?.TrimEnd('\r');
        if (line is null || !line.StartsWith('$'))
            return line;
        if (line == "$-1")
            return "(nil)";
        return Encoding.UTF8.GetString(await client.ReadBytesAsync(int.Parse(line[1..]) + 2, Within()))[..^2];
    }

    /// <summary>Sends <paramref name="input"/>; the server must answer with exactly <paramref name="error"/> and a clean close.</summary>
    private async Task AssertRefusedAndClosedAsync(AkkaTcpServer server, string input, string error)
    {
        await using var client = await ConnectAsync(server);
        await client.SendAsync(input, Within());
        var (rest, clean) = await client.ReadToEndAsync(Within());
        Assert.Equal(error + "\r\n", Encoding.ASCII.GetString(rest));
        Assert.True(clean);
    }

    [Fact]
    public async Task Commands_run_at_once_keep_their_own_arguments_though_the_connection_reuses_its_argument_arrays()
    {
        // Pipelined writes with the same argument count (each runs in its partition at once and
        // the connection hands it the same reused array), of every type, then read back.
        var server = await StartServerAsync(Resp + "akka-tcp.servers.main.resp.partitions = 2");
        await using var client = await ConnectAsync(server);
        var burst = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            burst.Append(Command("SET", $"s{i}", $"v{i}")).Append(Command("RPUSH", $"l{i % 3}", $"e{i}"))
                .Append(Command("SADD", $"m{i % 3}", $"x{i}")).Append(Command("HSET", $"h{i % 3}", $"f{i}", $"y{i}"));
        }
        await client.SendAsync(burst.ToString(), Within());
        for (var i = 0; i < 200; i++)
            Assert.Matches("^(\\+OK|:\\d+)$", await ReadReplyAsync(client));
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"v{i}", await AskAsync(client, "GET", $"s{i}"));
            Assert.Equal($"e{i}", await AskAsync(client, "LINDEX", $"l{i % 3}", $"{i / 3}"));
            Assert.Equal(":1", await AskAsync(client, "SISMEMBER", $"m{i % 3}", $"x{i}"));
            Assert.Equal($"y{i}", await AskAsync(client, "HGET", $"h{i % 3}", $"f{i}"));
        }
    }

    [Fact]
    public async Task A_keys_pattern_built_to_backtrack_answers_and_the_partition_keeps_serving()
    {
        var server = await StartServerAsync(Resp + "akka-tcp.servers.main.resp.partitions = 1");
        await using var client = await ConnectAsync(server);
        var key = new string('a', 40);
        Assert.Equal("+OK", await AskAsync(client, "SET", key, "v"));
        Assert.Equal("*0", await AskAsync(client, "KEYS", string.Concat(Enumerable.Repeat("a*", 20)) + "b"));
        Assert.Equal("v", await AskAsync(client, "GET", key));
        Assert.Equal("*1", await AskAsync(client, "KEYS", "a*a*a*"));
        Assert.Equal(key, await ReadReplyAsync(client));
    }

    [Fact]
    public async Task Every_keyspace_request_has_a_deadline_after_which_only_that_command_fails()
    {
        var server = await StartServerAsync(Resp + "akka-tcp.servers.main.resp { partitions = 2, request-timeout = 300ms }");
        await using var client = await ConnectAsync(server);
        // Find a key of each partition, then take partition 0 away: its requests are never answered.
        Assert.Equal("+OK", await AskAsync(client, "SET", "k0", "v0"));
        var dead = Sys.ActorSelection(server.Supervisor.Path / "keyspace-0");
        var deadRef = await dead.ResolveOne(Dilated(TimeSpan.FromSeconds(5)));
        Watch(deadRef);
        deadRef.Tell(PoisonPill.Instance);
        ExpectTerminated(deadRef);

        var timedOut = 0;
        var served = 0;
        for (var i = 0; i < 8; i++)
        {
            // Pipelined: a single-key batch per partition, a multi-key command, then a PING.
            await client.SendAsync(Command("GET", $"k{i}") + Command("MGET", $"k{i}", "other") + Command("PING"), Within());
            var get = await ReadReplyAsync(client);
            var mget = await ReadReplyAsync(client);
            if (get == "-ERR request timed out (resp.request-timeout)")
            {
                timedOut++;
                Assert.Equal("-ERR request timed out (resp.request-timeout)", mget);
            }
            else
            {
                served++;
                Assert.Equal("*2", mget);
                await ReadReplyAsync(client);
                await ReadReplyAsync(client);
            }
            Assert.Equal("+PONG", await ReadReplyAsync(client)); // the connection carries on
        }
        Assert.True(timedOut > 0 && served > 0, $"{timedOut} timed out, {served} served: the keys should span both partitions");
    }

    [Theory]
    [InlineData("SET", "k", "x", "EX", "10000000000000000", "-ERR invalid expire time in 'set' command")]
    [InlineData("SET", "k", "x", "PX", "9223372036854775807", "-ERR invalid expire time in 'set' command")]
    [InlineData("SET", "k", "x", "EX", "0", "-ERR invalid expire time in 'set' command")]
    [InlineData("SET", "k", "x", "EX", "+5", "-ERR value is not an integer or out of range")]
    [InlineData("EXPIRE", "k", "9223372036854775807", null, null, "-ERR invalid expire time in 'expire' command")]
    [InlineData("EXPIRE", "k", "-9223372036854776", null, null, "-ERR invalid expire time in 'expire' command")]
    [InlineData("PEXPIRE", "k", "9223372036854770000", null, null, "-ERR invalid expire time in 'pexpire' command")]
    [InlineData("EXPIRE", "k", "+5", null, null, "-ERR value is not an integer or out of range")]
    [InlineData("INCRBY", "k", "+5", null, null, "-ERR value is not an integer or out of range")]
    public async Task Expiry_overflow_and_plus_signs_are_refused_and_the_key_is_left_as_it_was(string a, string b, string c, string? d, string? e, string expected)
    {
        var server = await StartServerAsync(Resp);
        await using var client = await ConnectAsync(server);
        Assert.Equal("+OK", await AskAsync(client, "SET", "k", "7"));
        string[] command = d is null ? [a, b, c] : [a, b, c, d, e!];
        Assert.Equal(expected, await AskAsync(client, command));
        Assert.Equal("7", await AskAsync(client, "GET", "k"));
        Assert.Equal(":-1", await AskAsync(client, "TTL", "k"));
    }

    [Fact]
    public async Task A_negative_expire_deletes_the_key_as_in_redis()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await ConnectAsync(server);
        Assert.Equal("+OK", await AskAsync(client, "SET", "k", "v"));
        Assert.Equal(":1", await AskAsync(client, "EXPIRE", "k", "-10"));
        Assert.Equal("(nil)", await AskAsync(client, "GET", "k"));
    }

    [Fact]
    public async Task A_plus_sign_in_a_request_header_is_a_protocol_error()
    {
        var server = await StartServerAsync(Resp);
        await AssertRefusedAndClosedAsync(server, "*+1\r\n$4\r\nPING\r\n", "-ERR Protocol error: invalid multibulk length");
    }

    [Fact]
    public async Task A_4_MB_value_and_an_MSET_of_20002_arguments_are_accepted_as_by_redis()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await ConnectAsync(server);
        var big = new string('v', 4 * 1024 * 1024);
        Assert.Equal("+OK", await AskAsync(client, "SET", "big", big));
        Assert.Equal(":4194304", await AskAsync(client, "STRLEN", "big"));
        Assert.Equal(big, await AskAsync(client, "GET", "big"));

        var mset = new List<string> { "MSET" };
        for (var i = 0; i < 10_001; i++)
            mset.AddRange([$"key:{i}", $"value:{i}"]);
        Assert.Equal("+OK", await AskAsync(client, [.. mset]));
        Assert.Equal("value:10000", await AskAsync(client, "GET", "key:10000"));
    }

    [Fact]
    public async Task A_request_past_max_query_buffer_is_refused_with_a_protocol_error()
    {
        var server = await StartServerAsync(Resp + "akka-tcp.servers.main.resp.max-query-buffer = 1m");
        await AssertRefusedAndClosedAsync(server, $"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n{new string('v', 1_100_000)}",
            "-ERR Protocol error: request larger than resp.max-query-buffer");
    }

    [Theory]
    [InlineData("set \"a b\" \"c d\"\r\n", "a b", "c d")]
    [InlineData("set '\\'q\\'' \"\\x41\\x42\\n\"\r\n", "'q'", "AB\n")]
    [InlineData("set k\"ey\" ''\r\n", "key", "")]
    public async Task Inline_commands_take_redis_quoting(string inline, string key, string value)
    {
        var server = await StartServerAsync(Resp);
        await using var client = await ConnectAsync(server);
        await client.SendAsync(inline, Within());
        Assert.Equal("+OK", await ReadReplyAsync(client));
        Assert.Equal(value, await AskAsync(client, "GET", key));
    }

    [Theory]
    [InlineData("set \"\"\"test-key\"\"\" v\r\n")]
    [InlineData("set \"open v\r\n")]
    [InlineData("set 'a'b v\r\n")]
    public async Task Unbalanced_inline_quotes_are_a_protocol_error_and_a_close(string inline)
    {
        var server = await StartServerAsync(Resp);
        await AssertRefusedAndClosedAsync(server, inline, "-ERR Protocol error: unbalanced quotes in request");
    }

    [Fact]
    public async Task Command_count_config_resetstat_and_info_keyspace_come_from_the_real_state()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await ConnectAsync(server);
        var served = AkkaTcp.Protocols.Resp.Commands.CommandTable.Public.Select(spec => spec.Name).ToList();
        Assert.Equal($":{served.Count}", await AskAsync(client, "COMMAND", "COUNT"));
        foreach (var name in served)
        {
            await using var probe = await ConnectAsync(server);
            await probe.SendAsync(Command(name), Within());
            Assert.DoesNotContain("unknown command", await probe.ReadLineAsync(Within()) ?? "");
        }

        Assert.Equal("+OK", await AskAsync(client, "SET", "a", "1", "EX", "1000"));
        Assert.Equal("+OK", await AskAsync(client, "SET", "b", "2", "EX", "3000"));
        Assert.Equal("+OK", await AskAsync(client, "SET", "c", "3"));
        var keyspace = await AskAsync(client, "INFO", "keyspace");
        var avgTtl = long.Parse(System.Text.RegularExpressions.Regex.Match(keyspace!, @"db0:keys=3,expires=2,avg_ttl=(\d+)").Groups[1].Value);
        Assert.InRange(avgTtl, 1_900_000, 2_000_000);

        var before = await AskAsync(client, "INFO", "stats");
        Assert.DoesNotContain("total_commands_processed:0\r", before);
        Assert.Equal("+OK", await AskAsync(client, "CONFIG", "RESETSTAT"));
        var after = await AskAsync(client, "INFO", "stats");
        Assert.Contains("total_commands_processed:1\r", after); // the INFO itself
        Assert.Contains("total_connections_received:0\r", after);
    }
}
