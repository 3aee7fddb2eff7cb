using System.Diagnostics;
using System.Text;

namespace AkkaTcp.Protocols.Resp;

/// <summary>The texts of INFO, HELLO and CONFIG GET: what clients probe for when they connect.</summary>
internal static class RespInfo
{
    /// <summary>The Redis version reported; clients pick features by it (7.0 = RESP2 with the commands served here).</summary>
    public static ReadOnlySpan<byte> Version => "7.0.0"u8;

    /// <summary>What INFO keyspace reports of db0: keys, keys with an expiry, their mean time to live in ms.</summary>
    public readonly record struct Keyspace(long Keys, long Expires, long AverageTtlMilliseconds);

    /// <summary>CONFIG GET answers: persistence off, one database, no memory limit.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> ConfigValues =
    [
        new("save", ""),
        new("appendonly", "no"),
        new("databases", "1"),
        new("maxmemory", "0"),
        new("timeout", "0"),
        new("slave-read-only", "yes"),
        new("replica-read-only", "yes"),
        new("cluster-enabled", "no"),
    ];

    public static string Text(string section, RespServerStats stats, Protocols.ConnectionInfo connection, Keyspace keyspace)
    {
        var all = section is "default" or "all" or "everything";
        var text = new StringBuilder();
        if (all || section == "server")
        {
            text.Append("# Server\r\n")
                .Append("redis_version:").Append(Encoding.ASCII.GetString(Version)).Append("\r\n")
                .Append("redis_mode:standalone\r\n")
                .Append("akka_tcp_server:").Append(stats.ServerName).Append("\r\n")
                .Append("os:").Append(Environment.OSVersion.Platform).Append("\r\n")
                .Append("process_id:").Append(Environment.ProcessId).Append("\r\n")
                .Append("tcp_port:").Append((connection.LocalEndPoint as System.Net.IPEndPoint)?.Port ?? 0).Append("\r\n")
                .Append("uptime_in_seconds:").Append((long)Stopwatch.GetElapsedTime(stats.StartedAt).TotalSeconds).Append("\r\n")
                .Append("\r\n");
        }
        if (all || section == "clients")
            text.Append("# Clients\r\nconnected_clients:").Append(stats.Connected).Append("\r\n\r\n");
        if (all || section == "stats")
        {
            text.Append("# Stats\r\n")
                .Append("total_connections_received:").Append(stats.ConnectionsReceived).Append("\r\n")
                .Append("total_commands_processed:").Append(stats.Commands).Append("\r\n\r\n");
        }
        if (all || section == "replication")
            text.Append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
        if (all || section == "keyspace")
        {
            text.Append("# Keyspace\r\n");
            if (keyspace.Keys > 0)
            {
                text.Append("db0:keys=").Append(keyspace.Keys).Append(",expires=").Append(keyspace.Expires)
                    .Append(",avg_ttl=").Append(keyspace.AverageTtlMilliseconds).Append("\r\n");
            }
        }
        return text.ToString();
    }
}
