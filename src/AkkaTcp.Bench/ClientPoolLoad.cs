using System.Diagnostics;
using AkkaTcp.Client.Protocols.JsonRpc;
using HdrHistogram;

namespace AkkaTcp.Bench;

/// <summary>
/// One caller of AkkaTcp.Client's pooled <see cref="JsonRpcClient"/>: calls json-rpc "echo" with a
/// payload-sized string, one call at a time, and checks each result. Measures the client library
/// (pool, multiplexing, correlation by id) together with the server.
/// </summary>
internal sealed class ClientPoolLoad(JsonRpcClient client, BenchOptions options, int id) : ILoad
{
    private readonly string[] _parameters = [new string((char)('a' + id % 26), Math.Max(1, options.Payload - 40))];

    public long Replies { get; private set; }

    public long Errors { get; private set; }

    public LongHistogram Latency { get; } = new(TimeStamp.Seconds(60), 3);

    public async Task RunAsync(Func<bool> measuring, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var sentAt = Stopwatch.GetTimestamp();
            var echoed = await client.InvokeAsync<string[]>("echo", _parameters, CancellationToken.None);
            if (echoed is not [var text] || text != _parameters[0])
            {
                Errors++;
                throw new IOException("a result did not match its call");
            }
            if (measuring())
            {
                Replies++;
                Latency.RecordValue(Stopwatch.GetTimestamp() - sentAt);
            }
        }
    }
}
