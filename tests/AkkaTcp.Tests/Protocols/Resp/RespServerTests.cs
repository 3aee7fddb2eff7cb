using System.Diagnostics;
using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>The resp server driven by the real redis-cli and redis-benchmark (Debian's redis-tools).</summary>
public sealed class RespServerTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string Resp = "akka-tcp.servers.main.protocol = resp";

    private async Task<string> CliAsync(AkkaTcpServer server, params string[] args)
    {
        var info = new ProcessStartInfo("redis-cli", ["-p", server.LocalEndPoint.Port.ToString(), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var cli = Process.Start(info) ?? throw new InvalidOperationException("cannot start redis-cli (apt-get install redis-tools)");
        var text = await cli.StandardOutput.ReadToEndAsync(Within());
        await cli.WaitForExitAsync(Within());
        return text.TrimEnd('\n');
    }

    [ToolFact(ExternalTools.RedisCli)]
    public async Task Redis_cli_runs_every_command()
    {
        var server = await StartServerAsync(Resp);
        var session = new (string[] Command, string Expected)[]
        {
            (["PING"], "PONG"),
            (["PING", "hi"], "hi"),
            (["ECHO", "bin\u00e9ry"], "bin\u00e9ry"),
            (["SET", "k", "v"], "OK"),
            (["GET", "k"], "v"),
            (["SET", "k", "w", "NX"], ""),
            (["SET", "k", "w", "XX", "GET"], "v"),
            (["SET", "fresh", "1", "XX"], ""),
            (["GETSET", "k", "x"], "w"),
            (["APPEND", "k", "yz"], "3"),
            (["STRLEN", "k"], "3"),
            (["INCR", "n"], "1"),
            (["INCRBY", "n", "41"], "42"),
            (["DECR", "n"], "41"),
            (["DECRBY", "n", "40"], "1"),
            (["INCR", "k"], "ERR value is not an integer or out of range"),
            (["MSET", "a", "1", "b", "2"], "OK"),
            (["MGET", "a", "b", "missing"], "1\n2"),
            (["EXISTS", "a", "b", "missing"], "2"),
            (["DEL", "a", "missing"], "1"),
            (["TTL", "k"], "-1"),
            (["TTL", "missing"], "-2"),
            (["EXPIRE", "k", "100"], "1"),
            (["TTL", "k"], "95..100"), // each command is a redis-cli run: seconds may pass between them on a loaded machine
            (["PEXPIRE", "k", "50000"], "1"),
            (["PERSIST", "k"], "1"),
            (["PTTL", "k"], "-1"),
            (["SET", "t", "v", "EX", "100"], "OK"),
            (["KEYS", "[bk]"], "b\nk"),
            (["DBSIZE"], "4"),
            (["SELECT", "0"], "OK"),
            (["SELECT", "1"], "ERR DB index is out of range"),
            (["CLIENT", "SETNAME", "tester"], "OK"),
            (["CLIENT", "GETNAME"], ""),
            (["CONFIG", "GET", "appendonly"], "appendonly\nno"),
            (["CONFIG", "GET", "databases"], "databases\n1"),
            (["HELLO", "2"], "server\nredis\nversion\n7.0.0\nproto\n2\nid"),
            (["HELLO", "3"], "NOPROTO sorry, this protocol version is not supported"),
            (["COMMAND", "COUNT"], AkkaTcp.Protocols.Resp.Commands.CommandTable.Public.Count().ToString()),
            (["GET"], "ERR wrong number of arguments for 'get' command"),
            (["FROB", "x", "y"], "ERR unknown command 'FROB', with args beginning with: 'x' 'y' "),
            (["FLUSHDB"], "OK"),
            (["DBSIZE"], "0"),
            (["QUIT"], "OK"),
        };
        foreach (var (command, expected) in session)
        {
            var actual = await CliAsync(server, command);
            if (command[0] is "HELLO" && command[1] == "2")
                actual = string.Join("\n", actual.Split('\n').Take(7));
            if (command[0] is "KEYS")
                actual = string.Join("\n", actual.Split('\n').Order(StringComparer.Ordinal)); // partitions answer in any order
            if (expected.Split("..") is [var low, var high] && long.TryParse(actual, out var number))
                actual = number >= long.Parse(low) && number <= long.Parse(high) ? expected : actual;
            Assert.True(expected == actual, $"{string.Join(' ', command)}: expected [{expected}] got [{actual}]");
        }
        var sorted = string.Join("\n", (await CliAsync(server, "KEYS", "*")).Split('\n').Order());
        Assert.Equal("", sorted);
    }

    [ToolFact(ExternalTools.RedisCli)]
    public async Task Redis_cli_drives_hashes_lists_sets_blocking_pops_and_scan()
    {
        var server = await StartServerAsync(Resp);
        var session = new (string[] Command, string Expected)[]
        {
            (["HSET", "user:1", "name", "ada", "year", "1815"], "2"),
            (["HGET", "user:1", "name"], "ada"),
            (["HINCRBY", "user:1", "year", "1"], "1816"),
            (["HINCRBYFLOAT", "user:1", "score", "1.5"], "1.5"),
            (["RPUSH", "jobs", "a", "b", "c"], "3"),
            (["LRANGE", "jobs", "0", "-1"], "a\nb\nc"),
            (["LPOS", "jobs", "c"], "2"),
            (["BLPOP", "jobs", "1"], "jobs\na"),
            (["BLPOP", "nothing", "0.1"], ""),
            (["LMOVE", "jobs", "done", "LEFT", "RIGHT"], "b"),
            (["SADD", "tags", "x", "y"], "2"),
            (["SISMEMBER", "tags", "x"], "1"),
            (["SCARD", "tags"], "2"),
            (["GET", "tags"], "WRONGTYPE Operation against a key holding the wrong kind of value"),
            (["TYPE", "done"], "list"),
            (["OBJECT", "ENCODING", "user:1"], "hashtable"),
            (["SET", "n", "10", "EX", "100"], "OK"),
            (["EXPIRE", "n", "50", "GT"], "0"),
            (["EXPIRETIME", "missing"], "-2"),
            (["COPY", "n", "m"], "1"),
            (["RENAME", "m", "renamed"], "OK"),
            (["INCRBYFLOAT", "renamed", "0.5"], "10.5"),
        };
        foreach (var (command, expected) in session)
            Assert.Equal(expected, await CliAsync(server, command));

        for (var i = 0; i < 120; i++)
            Assert.Equal("OK", await CliAsync(server, "SET", $"scan:{i}", "v"));
        var scanned = (await CliAsync(server, "--scan", "--pattern", "scan:*")).Split('\n');
        Assert.Equal(120, scanned.Distinct().Count());
    }

    [ToolFact(ExternalTools.RedisCli)]
    public async Task Info_client_id_and_names_live_per_connection()
    {
        var server = await StartServerAsync(Resp);
        var info = await CliAsync(server, "INFO");
        Assert.Contains("redis_version:7.0.0", info);
        Assert.Contains("# Clients", info);
        Assert.Contains("total_commands_processed:", info);
        Assert.Matches(@"^\d+$", await CliAsync(server, "CLIENT", "ID"));

        // One connection: the name set is the name read back.
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("CLIENT SETNAME me\r\nCLIENT GETNAME\r\n", Within());
        Assert.Equal("+OK\r", await client.ReadLineAsync(Within()));
        Assert.Equal("$2\r", await client.ReadLineAsync(Within()));
        Assert.Equal("me\r", await client.ReadLineAsync(Within()));
    }

    [ToolFact(ExternalTools.RedisCli)]
    public async Task Keys_expire_lazily_and_by_the_sweep()
    {
        var server = await StartServerAsync(Resp);
        Assert.Equal("OK", await CliAsync(server, "SET", "short", "lived", "PX", "100"));
        Assert.Equal("OK", await CliAsync(server, "SET", "swept", "too", "PX", "100"));
        await AwaitAssertAsync(async () => Assert.Equal("", await CliAsync(server, "GET", "short")));
        await AwaitAssertAsync(async () => Assert.Equal("0", await CliAsync(server, "DBSIZE")));
    }

    [Fact]
    public async Task Pipelined_requests_to_many_partitions_are_answered_in_request_order()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        var requests = new StringBuilder();
        for (var i = 0; i < 500; i++)
            requests.Append($"SET key{i} {i}\r\nGET key{i}\r\nPING\r\n");
        await client.SendAsync(requests.ToString(), Within());
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal("+OK\r", await client.ReadLineAsync(Within()));
            Assert.Equal($"${i.ToString().Length}\r", await client.ReadLineAsync(Within()));
            Assert.Equal($"{i}\r", await client.ReadLineAsync(Within()));
            Assert.Equal("+PONG\r", await client.ReadLineAsync(Within()));
        }
    }

    [Fact]
    public async Task Batched_single_key_commands_take_effect_before_later_multi_key_commands_of_the_same_batch()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

        // One chunk: the SETs and INCR are batched per partition, MGET and DBSIZE ask every partition.
        await client.SendAsync("SET a 1\r\nSET b 2\r\nMGET a b\r\nINCR a\r\nDBSIZE\r\nGET a\r\nDEL a b\r\nMGET a b\r\n", Within());

        string[] expected = ["+OK", "+OK", "*2", "$1", "1", "$1", "2", ":2", ":2", "$1", "2", ":2", "*2", "$-1", "$-1"];
        foreach (var line in expected)
            Assert.Equal(line + "\r", await client.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_malformed_request_gets_a_protocol_error_and_a_close()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("PING\r\n*1\r\n+oops\r\n", Within());
        var (rest, clean) = await client.ReadToEndAsync(Within());
        Assert.Equal("+PONG\r\n-ERR Protocol error: expected '$', got '+'\r\n", Encoding.ASCII.GetString(rest));
        Assert.True(clean);
    }

    [ToolFact(ExternalTools.RedisBenchmark)]
    public async Task Redis_benchmark_completes_every_test_without_errors()
    {
        var server = await StartServerAsync(Resp);
        var info = new ProcessStartInfo("redis-benchmark",
            ["-p", server.LocalEndPoint.Port.ToString(), "-t", "ping_inline,ping_mbulk,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,lrange,mset", "-n", "20000", "-c", "50", "-P", "16", "-q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var benchmark = Process.Start(info) ?? throw new InvalidOperationException("cannot start redis-benchmark (apt-get install redis-tools)");
        var stdout = benchmark.StandardOutput.ReadToEndAsync(Within(120));
        var stderr = benchmark.StandardError.ReadToEndAsync(Within(120));
        await benchmark.WaitForExitAsync(Within(120));
        var text = await stdout + await stderr;
        Output?.WriteLine(text);
        Assert.Equal(0, benchmark.ExitCode);
        foreach (var test in new[] { "PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP", "SADD", "HSET", "SPOP",
                     "LRANGE_100 (first 100 elements)", "LRANGE_600 (first 600 elements)", "MSET (10 keys)" })
            Assert.Matches($@"{Regex(test)}: [\d.]+ requests per second", text);
        Assert.DoesNotContain("ERR", text);
        Assert.DoesNotContain("rror", text);
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
