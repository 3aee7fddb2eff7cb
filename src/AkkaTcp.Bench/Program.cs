using System.Diagnostics;
using System.Text.Json;
using AkkaTcp.Bench;
using AkkaTcp.Client;
using AkkaTcp;
using HdrHistogram;

// The load generator must never be the bottleneck: inline socket completions and untiered JIT
// (below, in the project file) took the Go reference server, 50 connections × 1 in flight, pinned,
// from 41k to 80k req/s through this generator (the Go load generator measured 87k).
InlineSocketCompletions.EnableUnlessSet();

if (args is ["micro", .. var microArgs])
    return MicroBenchmarks.Run(microArgs);

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
if (options.Idle > 0)
    return await IdleHold.RunAsync(options);

var run = new RunState(options.Requests);
await using var client = options.ViaClientPool > 0 ? ClientFor(options) : null;
using var stop = new CancellationTokenSource();
var loads = new List<Task>(options.Connections);
var connectDelay = options.ConnectRate > 0 ? TimeSpan.FromSeconds(1.0 / options.ConnectRate) : TimeSpan.Zero;
for (var i = 0; i < options.Connections; i++)
{
    var id = i;
    var workload = Workload.For(options.Workload, options.Payload, id);
    loads.Add(client is not null ? Task.Run(() => new ClientPoolLoad(client, options, id, run).RunAsync(stop.Token))
        : options.Workload == "handshake" ? Task.Run(() => new HandshakeLoad(options, workload, run).RunAsync(stop.Token))
        : Task.Run(() => new ScriptedLoad(options, workload, run).RunAsync(stop.Token)));
    if (connectDelay > TimeSpan.Zero)
        await Task.Delay(connectDelay); // pacing the connects, as asked
}

// Warm-up, then measure: until --duration passes or the --requests budget is spent and answered.
await Task.WhenAny(Task.WhenAll(loads), Task.Delay(options.Warmup));
run.Latency.GetIntervalHistogram(); // drop the warm-up's latencies
run.StartMeasuring();
var measuringFrom = Stopwatch.GetTimestamp();
var total = new LongHistogram(TimeStamp.Seconds(60), 3);
var all = Task.WhenAll(loads);
var lastMeasured = 0L;
while (!all.IsCompleted)
{
    var elapsed = Stopwatch.GetElapsedTime(measuringFrom);
    var left = options.Requests > 0 ? TimeSpan.FromSeconds(1) : options.Duration - elapsed;
    if (left <= TimeSpan.Zero)
        break;
    await Task.WhenAny(all, Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)));
    total.Add(run.Latency.GetIntervalHistogram());
    var measured = run.Measured;
    Console.Error.WriteLine($"[{Stopwatch.GetElapsedTime(measuringFrom).TotalSeconds,5:0.0}s] {measured - lastMeasured,10:N0} req/s  p99 so far {Micros(total, 99):0} us  errors {run.Errors}  failed connections {run.FailedConnections}");
    lastMeasured = measured;
}
var seconds = Stopwatch.GetElapsedTime(measuringFrom).TotalSeconds;
await stop.CancelAsync();
await all;
total.Add(run.Latency.GetIntervalHistogram());

var result = new
{
    workload = client is null ? options.Workload : $"json-rpc via client pool of {options.ViaClientPool}",
    tls = options.Tls,
    connections = options.Connections,
    pipeline = options.Pipeline,
    payload = options.Payload,
    seconds = Math.Round(seconds, 2),
    requests = run.Measured,
    totalReplies = run.Total,
    reqPerSec = Math.Round(run.Measured / seconds),
    p50us = Math.Round(Micros(total, 50), 1),
    p90us = Math.Round(Micros(total, 90), 1),
    p99us = Math.Round(Micros(total, 99), 1),
    p999us = Math.Round(Micros(total, 99.9), 1),
    maxus = Math.Round(total.GetMaxValue() * 1_000_000.0 / Stopwatch.Frequency, 1),
    errors = run.Errors,
    failedConnections = run.FailedConnections,
};
Console.WriteLine($"{result.reqPerSec:N0} req/s  p50 {result.p50us} us  p90 {result.p90us} us  p99 {result.p99us} us  p99.9 {result.p999us} us  max {result.maxus} us  errors {result.errors}  failed connections {result.failedConnections}");
Console.WriteLine(JsonSerializer.Serialize(result));
return result.errors == 0 && result.failedConnections == 0 ? 0 : 1;

static double Micros(LongHistogram histogram, double percentile) =>
    histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;

static JsonRpcClient ClientFor(BenchOptions options)
{
    var defaults = ClientSettings.Default;
    return new JsonRpcClient(options.Target, defaults with { Pool = defaults.Pool with { MaxConnections = options.ViaClientPool } });
}
