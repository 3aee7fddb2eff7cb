using System.Diagnostics;
using System.Text.Json;
using AkkaTcp.Bench;
using AkkaTcp.Client.Configuration;
using AkkaTcp.Client.Protocols.JsonRpc;
using HdrHistogram;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"akka-tcp-bench: {e.Message}\n{BenchOptions.Usage}");
    return 2;
}

await using var client = options.ViaClientPool > 0 ? ClientFor(options) : null;
var loads = Enumerable.Range(0, options.Connections)
    .Select(i => client is null ? (ILoad)new EchoLoad(options, i) : new ClientPoolLoad(client, options, i))
    .ToArray();
using var stop = new CancellationTokenSource(options.Warmup + options.Duration);
var measuringFrom = Stopwatch.GetTimestamp() + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
var measuring = () => Stopwatch.GetTimestamp() >= measuringFrom;
var runs = loads.Select(load => Task.Run(() => load.RunAsync(measuring, stop.Token))).ToArray();

var failed = 0;
try
{
    await Task.WhenAll(runs);
}
catch (Exception e)
{
    failed = runs.Count(r => r.IsFaulted);
    Console.Error.WriteLine($"akka-tcp-bench: {failed} connection(s) failed: {e.Message}");
}

var latency = new LongHistogram(TimeStamp.Seconds(60), 3);
foreach (var load in loads)
    latency.Add(load.Latency);
double Micros(double percentile) => latency.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;
var replies = loads.Sum(l => l.Replies);
var result = new
{
    connections = options.Connections,
    pipeline = options.Pipeline,
    payload = options.Payload,
    seconds = options.Duration.TotalSeconds,
    requests = replies,
    reqPerSec = Math.Round(replies / options.Duration.TotalSeconds),
    p50us = Math.Round(Micros(50), 1),
    p90us = Math.Round(Micros(90), 1),
    p99us = Math.Round(Micros(99), 1),
    p999us = Math.Round(Micros(99.9), 1),
    maxus = Math.Round(latency.GetMaxValue() * 1_000_000.0 / Stopwatch.Frequency, 1),
    errors = loads.Sum(l => l.Errors),
    failedConnections = failed,
};
Console.WriteLine($"{result.reqPerSec:N0} req/s  p50 {result.p50us} us  p90 {result.p90us} us  p99 {result.p99us} us  p99.9 {result.p999us} us  max {result.maxus} us  errors {result.errors}  failed connections {failed}");
Console.WriteLine(JsonSerializer.Serialize(result));
return result.errors == 0 && failed == 0 ? 0 : 1;

static JsonRpcClient ClientFor(BenchOptions options)
{
    var defaults = ClientSettings.Default;
    return new JsonRpcClient(options.Target, defaults with { Pool = defaults.Pool with { MaxConnections = options.ViaClientPool } });
}
