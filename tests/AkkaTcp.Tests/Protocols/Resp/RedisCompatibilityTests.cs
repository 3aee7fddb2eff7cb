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

    private async Task CompareAsync(string script)
    {
        await using var redis = await RedisServerProcess.StartAsync(() => Within());
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = resp");
        await using var theirs = await RawRespClient.ConnectAsync(redis.EndPoint, Within());
        await using var ours = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());

        var differences = new StringBuilder();
        var compared = 0;
        foreach (var raw in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Protocols", "Resp", "Compatibility", script + ".txt")))
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
        Output?.WriteLine($"{compared} commands compared");
        Assert.True(compared > 40, "the script was read");
        Assert.True(differences.Length == 0, "replies differ from redis-server's:\n" + differences);
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
