using System.Globalization;
using System.Net;

namespace AkkaTcp.Bench;

/// <summary>The load generator's command line, validated in one place.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Usage: akka-tcp-bench [options]
          --target HOST:PORT   server to load (loopback only; default 127.0.0.1:7000)
          --workload NAME      echo (lines, checked byte for byte), resp (SET then GET of the
                               connection's own key, replies checked), json-rpc (echo method,
                               replies checked), handshake (with --tls: connect, full TLS
                               handshake, one echo line, close, over and over: handshakes/s);
                               default echo
          --tls                speak TLS to the server (any certificate is accepted: loopback
                               load, not a security check)
          --connections N      concurrent connections (default 50)
          --pipeline N         requests in flight per connection (default 1)
          --payload N          bytes per echo line, newline included; value bytes for resp and
                               json-rpc (default 32)
          --duration S         seconds to measure (default 10)
          --warmup S           seconds to run before measuring (default 2)
          --requests N         stop after N measured requests instead of after --duration
          --connect-rate N     open at most N connections per second (default: all at once)
          --idle N --hold S    instead of load: open N connections, check each answers, hold them
                               S seconds, check each still answers (memory per connection)
          --via-client N       instead of raw sockets: --connections concurrent callers of
                               AkkaTcp.Client's JsonRpcClient over a pool of N connections,
                               calling a json-rpc server's "echo" (measures the client library)
          micro [BenchmarkDotNet args]   run the codec and write-path micro-benchmarks
        Prints a progress line every second and a report with a JSON line at the end. Exit code 0
        when every reply was right and every connection held, 1 otherwise, 2 for a bad option.
        """;

    public IPEndPoint Target { get; init; } = new(IPAddress.Loopback, 7000);
    public string Workload { get; init; } = "echo";
    public int Connections { get; init; } = 50;
    public int Pipeline { get; init; } = 1;
    public int Payload { get; init; } = 32;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public long Requests { get; init; }
    public int ConnectRate { get; init; }
    public int Idle { get; init; }
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(30);
    public int ViaClientPool { get; init; }
    public bool Tls { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            var name = args[i];
            if (name == "--tls")
            {
                options = options with { Tls = true };
                continue;
            }
            options = name switch
            {
                "--target" => options with { Target = IPEndPoint.Parse(Value()) },
                "--workload" => options with { Workload = OneOf(Value(), name, "echo", "resp", "json-rpc", "handshake") },
                "--connections" => options with { Connections = (int)Positive(Value(), name) },
                "--pipeline" => options with { Pipeline = (int)Positive(Value(), name) },
                "--payload" => options with { Payload = Math.Max(2, (int)Positive(Value(), name)) },
                "--duration" => options with { Duration = Seconds(Value(), name) },
                "--warmup" => options with { Warmup = Seconds(Value(), name) },
                "--requests" => options with { Requests = Positive(Value(), name) },
                "--connect-rate" => options with { ConnectRate = (int)Positive(Value(), name) },
                "--idle" => options with { Idle = (int)Positive(Value(), name) },
                "--hold" => options with { Hold = Seconds(Value(), name) },
                "--via-client" => options with { ViaClientPool = (int)Positive(Value(), name) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        if (options.Workload == "handshake" && !options.Tls)
            throw new ArgumentException("--workload handshake measures TLS handshakes: add --tls");
        if (!IPAddress.IsLoopback(options.Target.Address))
            throw new ArgumentException("--target must be a loopback address: load is only ever sent to this machine");
        return options;
    }

    private static long Positive(string value, string name) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer (got {value})");

    private static TimeSpan Seconds(string value, string name) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 ? TimeSpan.FromSeconds(s) : throw new ArgumentException($"{name} must be a number of seconds (got {value})");

    private static string OneOf(string value, string name, params string[] allowed) =>
        allowed.Contains(value) ? value : throw new ArgumentException($"{name} must be one of {string.Join(", ", allowed)} (got {value})");
}
