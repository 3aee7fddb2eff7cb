using System.Net;

namespace AkkaTcp.Bench;

/// <summary>The load generator's command line.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Usage: akka-tcp-bench [options]
          --target HOST:PORT   server to load (loopback only; default 127.0.0.1:7000)
          --connections N      concurrent connections (default 50)
          --pipeline N         requests in flight per connection (default 1)
          --payload N          bytes per request line, newline included (default 32)
          --duration S         seconds to measure (default 10)
          --warmup S           seconds to run before measuring (default 2)
          --via-client N       instead of raw sockets: --connections concurrent callers of
                               AkkaTcp.Client's JsonRpcClient, a pool of N connections, calling
                               a json-rpc server's "echo" (measures the client library)
        Every reply is checked byte for byte against its request (echo).
        """;

    public IPEndPoint Target { get; init; } = new(IPAddress.Loopback, 7000);
    public int Connections { get; init; } = 50;
    public int Pipeline { get; init; } = 1;
    public int Payload { get; init; } = 32;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public int ViaClientPool { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--target" => options with { Target = IPEndPoint.Parse(Value()) },
                "--connections" => options with { Connections = Positive(int.Parse(Value()), "--connections") },
                "--pipeline" => options with { Pipeline = Positive(int.Parse(Value()), "--pipeline") },
                "--payload" => options with { Payload = Math.Max(2, int.Parse(Value())) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Value())) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(Value())) },
                "--via-client" => options with { ViaClientPool = Positive(int.Parse(Value()), "--via-client") },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        if (!IPAddress.IsLoopback(options.Target.Address))
            throw new ArgumentException("--target must be a loopback address: load is only ever sent to this machine");
        return options;
    }

    private static int Positive(int value, string name) => value > 0 ? value : throw new ArgumentException($"{name} must be positive");
}
