using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AkkaTcp.Host.Control;

/// <summary>The control endpoint's answers as plain-text tables, for ctl and for top when its output is not a terminal.</summary>
internal static class ControlText
{
    public static string Format(string method, JsonNode answer) => method switch
    {
        "stats" => Stats(answer.AsArray()),
        "connections" => Connections(answer.AsArray()),
        "cluster" => Cluster(answer),
        "reload" => answer["changes"]!.AsArray().Count == 0 ? "nothing changed" : string.Join('\n', answer["changes"]!.AsArray().Select(c => (string)c!)),
        _ => string.Join('\n', answer.AsObject().Select(p => $"{p.Key}: {Plain(p.Value)}")),
    };

    public static string Stats(JsonArray servers) => Table(
        ["server", "endpoint", "protocol", "active", "max", "queued", "accepted", "refused", "closed", "bytes in", "bytes out", "frames in", "state"],
        servers.Select(s => new[]
        {
            (string)s!["server"]!, (string)s["endpoint"]!, (string)s["protocol"]!, Plain(s["active"]), Plain(s["maxConnections"]),
            Plain(s["queued"]), Plain(s["accepted"]), Plain(s["refused"]), Plain(s["closed"]), Plain(s["bytesReceived"]),
            Plain(s["bytesSent"]), Plain(s["framesReceived"]), (bool)s["suspended"]! ? "suspended" : "accepting",
        }))
        + CloseReasons(servers);

    public static string Connections(JsonArray connections) => connections.Count == 0 ? "no connections" : Table(
        ["id", "server", "remote", "age s", "bytes in", "bytes out", "pending", "state"],
        connections.Select(c => new[]
        {
            Plain(c!["id"]), (string)c["server"]!, (string)c["remote"]!, Plain(c["ageSeconds"]), Plain(c["bytesReceived"]),
            Plain(c["bytesSent"]), Plain(c["pendingWriteBytes"]), (string)c["state"]!,
        }));

    public static string Cluster(JsonNode answer) => !(bool)answer["enabled"]! ? "not in a cluster (akka-tcp.cluster.enabled = off)" : Table(
        ["member", "status", "reachable", "leader", "self", "roles"],
        answer["members"]!.AsArray().Select(m => new[]
        {
            (string)m!["address"]!, (string)m["status"]!, (bool)m["reachable"]! ? "yes" : "NO", (bool)m["leader"]! ? "leader" : "",
            (bool)m["self"]! ? "*" : "", (string)m["roles"]!,
        }));

    private static string CloseReasons(JsonArray servers)
    {
        var text = new StringBuilder();
        foreach (var server in servers)
        {
            var reasons = server!["closedByReason"]!.AsObject();
            if (reasons.Count > 0)
                text.Append('\n').Append((string)server["server"]!).Append(" closes: ").AppendJoin(", ", reasons.Select(r => $"{r.Key} {Plain(r.Value)}"));
        }
        return text.ToString();
    }

    public static string Plain(JsonNode? value) => value switch
    {
        null => "",
        JsonArray array => string.Join(", ", array.Select(Plain)),
        JsonValue v when v.TryGetValue<double>(out var number) => number.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>Columns padded to their widest cell; numbers right-aligned.</summary>
    public static string Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            for (var i = 0; i < row.Length; i++)
            {
                var numeric = row != header && double.TryParse(row[i], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                text.Append(numeric ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
                if (i < row.Length - 1)
                    text.Append("  ");
            }
            text.Append('\n');
        }
        return text.ToString().TrimEnd('\n');
    }
}
