using System.Diagnostics;
using System.Globalization;
using System.Text;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Protocols.Resp;

/// <summary>The texts of INFO and the values of CONFIG GET: what clients and operators probe for.</summary>
internal static class RespInfo
{
    /// <summary>The Redis version reported; clients pick features by it (7.0 = RESP2 with the commands served here).</summary>
    public static ReadOnlySpan<byte> Version => "7.0.0"u8;

    private static readonly string[] DefaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "keyspace"];
    private static readonly string[] AllSections = [.. DefaultSections[..^1], "commandstats", "keyspace"];

    /// <summary>What the partitions report for INFO (see Keys.Describe), summed.</summary>
    public sealed class KeyspaceFigures
    {
        public long Keys, Expires, TtlTotal, Hits, Misses, Expired, Evicted, Dataset;

        public void Add(RespValue[] figures)
        {
            long At(int i) => ((IntegerValue)figures[i]).Value;
            Keys += At(0);
            Expires += At(1);
            TtlTotal += At(2);
            Hits += At(3);
            Misses += At(4);
            Expired += At(5);
            Evicted += At(6);
            Dataset += At(7);
        }
    }

    /// <summary>
    /// CONFIG GET: what this server really does — no persistence, one database, maxmemory and its
    /// policy as set, no idle timeout of its own (the AkkaTcp server's idle-timeout applies).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ConfigValues(RespHandler h) =>
    [
        new("save", ""),
        new("appendonly", "no"),
        new("databases", "1"),
        new("maxmemory", h.Stats.Memory.MaxMemory.ToString(CultureInfo.InvariantCulture)),
        new("maxmemory-policy", h.Stats.Memory.PolicyName),
        new("maxmemory-samples", "5"),
        new("maxclients", "10000"),
        new("timeout", "0"),
        new("proto-max-bulk-len", h.MaxStringLength.ToString(CultureInfo.InvariantCulture)),
        new("slave-read-only", "yes"),
        new("replica-read-only", "yes"),
        new("cluster-enabled", "no"),
        new("port", ""),
    ];

    /// <summary>
    /// CONFIG SET: maxmemory (Redis's units: 100mb, 1gb, ...) and maxmemory-policy change live,
    /// for every partition at once. Any other parameter may be set to the value it has (as tools
    /// that write back what they read do); a change is refused, naming why: AkkaTcp's own settings
    /// change by reload (akka-tcp ctl reload, SIGHUP). Nothing is changed unless all pairs are valid.
    /// </summary>
    public static RespValue ConfigSet(RespHandler h, RespCommand command)
    {
        var values = ConfigValues(h).ToDictionary(pair => pair.Key, pair => pair.Value);
        var changes = new List<Action>();
        for (var i = 2; i < command.Count; i += 2)
        {
            var name = Arg.Lower(command[i]);
            if (!values.TryGetValue(name, out var current))
                return RespValue.Error($"ERR Unknown option or number of arguments for CONFIG SET - '{Arg.Text(command[i])}'");
            var wanted = Arg.Text(command[i + 1]);
            if (name == "maxmemory")
            {
                if (!MemoryLimit.TryParseBytes(wanted, out var bytes))
                    return RespValue.Error($"ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
                changes.Add(() => h.Stats.Memory.MaxMemory = bytes);
            }
            else if (name == "maxmemory-policy")
            {
                if (!MemoryLimit.Policies.TryGetValue(wanted.ToLowerInvariant(), out var policy))
                    return RespValue.Error($"ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: {string.Join(", ", MemoryLimit.Policies.Keys)}");
                changes.Add(() => h.Stats.Memory.Policy = policy);
            }
            else if (!string.Equals(wanted, current, StringComparison.OrdinalIgnoreCase))
                return RespValue.Error($"ERR CONFIG SET failed (possibly related to argument '{name}') - not settable here: {Why(name)}");
        }
        foreach (var change in changes)
            change();
        return RespValue.Ok;
    }

    private static string Why(string name) => name switch
    {
        "maxmemory-samples" => "eviction samples 5 keys",
        "save" or "appendonly" => "the keyspace is not persisted",
        "databases" => "there is one database",
        _ => "change it in the AkkaTcp configuration and reload",
    };

    public static string Text(IReadOnlyList<string> requested, RespHandler h, KeyspaceFigures keyspace)
    {
        var sections = new List<string>();
        foreach (var name in requested.Count == 0 ? ["default"] : requested)
        {
            if (name == "default") sections.AddRange(DefaultSections);
            else if (name is "all" or "everything") sections.AddRange(AllSections);
            else sections.Add(name);
        }
        var text = new StringBuilder();
        using var process = Process.GetCurrentProcess(); // read once for memory and cpu
        foreach (var section in sections.Distinct())
        {
            var before = text.Length;
            Section(text, section, h, keyspace, process);
            if (text.Length > before)
                text.Append("\r\n");
        }
        if (text.Length >= 2)
            text.Length -= 2;
        return text.ToString();
    }

    private static void Section(StringBuilder text, string section, RespHandler h, KeyspaceFigures keyspace, Process process)
    {
        var stats = h.Stats;
        switch (section)
        {
            case "server":
                var uptime = (long)Stopwatch.GetElapsedTime(stats.StartedAt).TotalSeconds;
                text.Append("# Server\r\n");
                Line(text, "redis_version", Encoding.ASCII.GetString(Version));
                Line(text, "redis_mode", "standalone");
                Line(text, "akka_tcp_server", stats.ServerName);
                Line(text, "os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
                Line(text, "arch_bits", IntPtr.Size * 8);
                Line(text, "process_id", Environment.ProcessId);
                Line(text, "tcp_port", (h.LocalEndPoint as System.Net.IPEndPoint)?.Port ?? 0);
                Line(text, "uptime_in_seconds", uptime);
                Line(text, "uptime_in_days", uptime / 86400);
                Line(text, "executable", Environment.ProcessPath ?? "");
                break;
            case "clients":
                text.Append("# Clients\r\n");
                Line(text, "connected_clients", stats.Connected);
                Line(text, "blocked_clients", stats.BlockedClients);
                break;
            case "memory":
                var used = GC.GetTotalMemory(false);
                text.Append("# Memory\r\n");
                Line(text, "used_memory", used);
                Line(text, "used_memory_human", Human(used));
                Line(text, "used_memory_rss", process.WorkingSet64);
                Line(text, "used_memory_rss_human", Human(process.WorkingSet64));
                Line(text, "used_memory_peak", process.PeakWorkingSet64);
                Line(text, "used_memory_dataset", keyspace.Dataset);
                Line(text, "used_memory_dataset_human", Human(keyspace.Dataset));
                Line(text, "maxmemory", stats.Memory.MaxMemory);
                Line(text, "maxmemory_human", Human(stats.Memory.MaxMemory));
                Line(text, "maxmemory_policy", stats.Memory.PolicyName);
                Line(text, "mem_allocator", ".NET GC");
                break;
            case "persistence":
                text.Append("# Persistence\r\n");
                Line(text, "loading", 0);
                Line(text, "rdb_changes_since_last_save", stats.Snapshots.UnsavedWrites);
                Line(text, "rdb_bgsave_in_progress", 0);
                Line(text, "rdb_last_save_time", stats.Snapshots.LastSave);
                Line(text, "rdb_last_bgsave_status", stats.Snapshots.LastFailed ? "err" : "ok");
                Line(text, "aof_enabled", 0);
                Line(text, "aof_rewrite_in_progress", 0);
                break;
            case "stats":
                text.Append("# Stats\r\n");
                Line(text, "total_connections_received", stats.ConnectionsReceived);
                Line(text, "total_commands_processed", stats.Commands);
                Line(text, "expired_keys", keyspace.Expired);
                Line(text, "evicted_keys", keyspace.Evicted);
                Line(text, "keyspace_hits", keyspace.Hits);
                Line(text, "keyspace_misses", keyspace.Misses);
                Line(text, "pubsub_channels", stats.PubSub.Channels);
                Line(text, "pubsub_patterns", stats.PubSub.Patterns);
                Line(text, "client_output_buffer_limit_disconnections", stats.PubSub.OutputLimitDisconnections);
                break;
            case "replication":
                text.Append("# Replication\r\n");
                Line(text, "role", "master");
                Line(text, "connected_slaves", 0);
                break;
            case "cpu":
                text.Append("# CPU\r\n");
                Line(text, "used_cpu_sys", process.PrivilegedProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture));
                Line(text, "used_cpu_user", process.UserProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture));
                break;
            case "commandstats":
                text.Append("# Commandstats\r\n");
                foreach (var spec in CommandTable.Public)
                {
                    var (calls, usec, failed, rejected) = stats.Connection.Read(spec.Index);
                    foreach (var partition in stats.Partitions)
                    {
                        var part = partition.Read(spec.Index);
                        (calls, usec, failed, rejected) = (calls + part.Calls, usec + part.Microseconds, failed + part.Failed, rejected + part.Rejected);
                    }
                    if (calls + rejected == 0)
                        continue;
                    var perCall = calls == 0 ? 0 : (double)usec / calls;
                    text.Append("cmdstat_").Append(spec.LowerName).Append(":calls=").Append(calls).Append(",usec=").Append(usec)
                        .Append(",usec_per_call=").Append(perCall.ToString("F2", CultureInfo.InvariantCulture))
                        .Append(",rejected_calls=").Append(rejected).Append(",failed_calls=").Append(failed).Append("\r\n");
                }
                break;
            case "keyspace":
                text.Append("# Keyspace\r\n");
                if (keyspace.Keys > 0)
                {
                    text.Append("db0:keys=").Append(keyspace.Keys).Append(",expires=").Append(keyspace.Expires)
                        .Append(",avg_ttl=").Append(keyspace.Expires == 0 ? 0 : keyspace.TtlTotal / keyspace.Expires).Append("\r\n");
                }
                break;
        }
    }

    private static void Line(StringBuilder text, string name, object value) =>
        text.Append(name).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append("\r\n");

    private static string Human(long bytes) =>
        bytes >= 1 << 30 ? $"{bytes / (double)(1 << 30):F2}G" : bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):F2}M" : $"{bytes / 1024.0:F2}K";
}
