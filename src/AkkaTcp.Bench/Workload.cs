using System.Text;

namespace AkkaTcp.Bench;

/// <summary>
/// What one connection sends, in a cycle, and the exact bytes each request must get back: the
/// reply stream is checked byte for byte, so a wrong, reordered or lost reply is an error.
/// </summary>
internal sealed record Workload(byte[][] Requests, byte[][] Replies)
{
    public static Workload For(string name, int payload, int connection) => name switch
    {
        "resp" => Resp(payload, connection),
        "json-rpc" => JsonRpc(payload, connection),
        _ => Echo(payload, connection),
    };

    /// <summary>A line of <paramref name="payload"/> bytes (newline included), echoed.</summary>
    private static Workload Echo(int payload, int connection)
    {
        var line = new byte[payload];
        for (var i = 0; i < line.Length - 1; i++)
            line[i] = (byte)('a' + (connection + i) % 26);
        line[^1] = (byte)'\n';
        return new Workload([line], [line]);
    }

    /// <summary>SET of the connection's own key to a payload-sized value, then GET of it (redis-benchmark's shapes).</summary>
    private static Workload Resp(int payload, int connection)
    {
        var key = $"bench:{connection}";
        var value = new string((char)('a' + connection % 26), payload);
        string Command(params string[] parts) =>
            $"*{parts.Length}\r\n" + string.Concat(parts.Select(p => $"${Encoding.UTF8.GetByteCount(p)}\r\n{p}\r\n"));
        return new Workload(
            [Encoding.UTF8.GetBytes(Command("SET", key, value)), Encoding.UTF8.GetBytes(Command("GET", key))],
            ["+OK\r\n"u8.ToArray(), Encoding.UTF8.GetBytes($"${payload}\r\n{value}\r\n")]);
    }

    /// <summary>The echo method with a payload-sized string; one id, since replies to echo come in order.</summary>
    private static Workload JsonRpc(int payload, int connection)
    {
        var text = new string((char)('a' + connection % 26), payload);
        return new Workload(
            [Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"{text}\"]}}\n")],
            [Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[\"{text}\"]}}\n")]);
    }
}
