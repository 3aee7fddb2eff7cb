using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>
/// resp against the real redis-server (7.0, Debian's): each script's commands go to both, on one
/// connection each, and every reply must be the same bytes — values, error texts, nil kinds,
/// integer formats, float digits. A line starting with ~ compares its reply's lines in any order
/// (members of a set, fields of a hash). The scripts are in Compatibility/ next to this file.
/// </summary>
public sealed class RedisCompatibilityTests(ITestOutputHelper output) : ServerSpec(output)
{
    [ToolFact(ExternalTools.RedisServer)]
    public Task Strings_counters_floats_ranges_and_bits() => CompareAsync("strings");

    [ToolFact(ExternalTools.RedisServer)]
    public Task Keyspace_expiry_rename_copy_and_object() => CompareAsync("keys");

    [ToolFact(ExternalTools.RedisServer)]
    public Task Hashes() => CompareAsync("hashes");

    [ToolFact(ExternalTools.RedisServer)]
    public Task Lists_and_blocking_pops_that_need_not_wait() => CompareAsync("lists");

    [ToolFact(ExternalTools.RedisServer)]
    public Task Sets() => CompareAsync("sets");

    /// <summary>
    /// Random sequences of commands of every family over a few keys — so keys change type, lists
    /// empty, counters overflow and commands meet values of the wrong kind — on both servers, with
    /// fixed seeds so a failure can be replayed. ~ marks commands whose reply order is free.
    /// </summary>
    [ToolFact(ExternalTools.RedisServer)]
    public async Task Random_command_sequences_answer_as_redis_server_does()
    {
        string[] keys = ["a", "b", "c", "{t}x", "{t}y", "k1", "k2"];
        string[] values = ["", "0", "1", "-1", "10", "3.5", "abc", "x y", "9223372036854775807", "-9223372036854775808", "1e3", "inf"];
        string[] indexes = ["0", "1", "-1", "2", "-2", "5", "-100", "100", "x"];
        string[] templates =
        [
            "SET k v", "SET k v NX", "SET k v XX", "SET k v GET", "SET k v KEEPTTL", "GET k", "APPEND k v", "INCR k", "INCRBY k v", "DECRBY k v",
            "INCRBYFLOAT k v", "STRLEN k", "GETRANGE k i i", "SETRANGE k 1 v", "GETDEL k", "GETSET k v", "SETNX k v", "MSET k v k v", "MGET k k k",
            "MSETNX k v k v", "SETBIT k 9 1", "SETBIT k 7 0", "GETBIT k i", "BITCOUNT k", "BITCOUNT k i i", "BITPOS k 1", "BITPOS k 0 i i",
            "DEL k k", "EXISTS k k", "TYPE k", "RENAME k k", "RENAMENX k k", "COPY k k", "COPY k k REPLACE", "EXPIRE k 100",
            "EXPIRE k 150 NX", "TTL k", "PERSIST k", "HSET k v v", "HSETNX k v v", "HGET k v", "HDEL k v v", "HLEN k", "HEXISTS k v",
            "HINCRBY k v v", "HINCRBYFLOAT k v v", "HSTRLEN k v", "HMGET k v v", "LPUSH k v v", "RPUSH k v", "LPUSHX k v", "RPUSHX k v",
            "LPOP k", "RPOP k 2", "LLEN k", "LRANGE k i i", "LINDEX k i", "LSET k i v", "LINSERT k BEFORE v v", "LINSERT k AFTER v v",
            "LREM k 1 v", "LREM k -1 v", "LTRIM k i i", "LPOS k v", "LPOS k v RANK -1 COUNT 0", "LMOVE k k LEFT RIGHT", "RPOPLPUSH k k",
            "BLPOP k k 0.01", "SADD k v v", "SREM k v", "SISMEMBER k v", "SMISMEMBER k v v", "SCARD k", "SMOVE k k v", "~SMEMBERS k",
            "~SINTER k k", "~SUNION k k", "~SDIFF k k", "~HGETALL k", "~HKEYS k", "LCS k k", "DBSIZE", "~KEYS *",
        ];
        await using var redis = await RedisServerProcess.StartAsync(() => Within());
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = resp");
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var random = new Random(seed);
            var script = new List<string>();
            for (var i = 0; i < 1500; i++)
            {
                var words = random.GetItems(templates, 1)[0].Split(' ').Select(word => word switch
                {
                    "k" => random.GetItems(keys, 1)[0],
                    "v" => random.GetItems(values, 1)[0],
                    "i" => random.GetItems(indexes, 1)[0],
                    _ => word,
                });
                script.Add(string.Join(' ', words.Select(word => word.Contains(' ') || word.Length == 0 ? $"'{word}'" : word)));
            }
            await CompareLinesAsync(redis, server, ["FLUSHALL", .. script], $"seed {seed}");
        }
    }

    private async Task CompareAsync(string script)
    {
        await using var redis = await RedisServerProcess.StartAsync(() => Within());
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = resp");
        var lines = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Protocols", "Resp", "Compatibility", script + ".txt"));
        await CompareLinesAsync(redis, server, lines, script);
    }

    private async Task CompareLinesAsync(RedisServerProcess redis, AkkaTcpServer server, IEnumerable<string> lines, string name)
    {
        await using var theirs = await RawRespClient.ConnectAsync(redis.EndPoint, Within());
        await using var ours = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());

        var differences = new StringBuilder();
        var compared = 0;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var unordered = line.StartsWith('~');
            var args = Words(line.TrimStart('~'));
            var expected = await theirs.AskAsync(Within(), args);
            var actual = await ours.AskAsync(Within(), args);
            if (unordered)
                (expected, actual) = (Sorted(expected), Sorted(actual));
            if (expected != actual)
                differences.Append(line).Append("\n  redis-server: ").Append(Show(expected)).Append("\n  resp:         ").Append(Show(actual)).Append('\n');
            compared++;
        }
        Output?.WriteLine($"{name}: {compared} commands compared");
        Assert.True(compared > 40, "the script was read");
        Assert.True(differences.Length == 0, $"{name}: replies differ from redis-server's:\n" + differences);
    }

    private static string Sorted(string reply) => string.Join("\r\n", reply.Split("\r\n").Order(StringComparer.Ordinal));

    private static string Show(string reply) => reply.Replace("\r\n", "\\r\\n");

    /// <summary>Splits a line as a POSIX shell would: spaces separate, quotes group (\" inside double quotes).</summary>
    private static string[] Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is '"' or '\'')
            {
                inWord = true;
                for (i++; i < line.Length && line[i] != c; i++)
                {
                    if (c == '"' && line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                        i++;
                    word.Append(line[i]);
                }
            }
            else if (c == ' ')
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        return [.. words];
    }
}
