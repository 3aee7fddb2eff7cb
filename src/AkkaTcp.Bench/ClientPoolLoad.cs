using System.Diagnostics;
using AkkaTcp.Client;

namespace AkkaTcp.Bench;

/// <summary>
/// One caller of AkkaTcp.Client's pooled <see cref="JsonRpcClient"/>: calls json-rpc "echo" with a
/// payload-sized string, one call at a time, and checks each result. Measures the client library
/// (pool, multiplexing, correlation by id) together with the server.
/// </summary>
internal sealed class ClientPoolLoad(JsonRpcClient client, BenchOptions options, int id, RunState run)
{
    private readonly string[] _parameters = [new string((char)('a' + id % 26), options.Payload)];

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && run.TryTakeRequest())
            {
                var sentAt = Stopwatch.GetTimestamp();
                var echoed = await client.InvokeAsync<string[]>("echo", _parameters, CancellationToken.None);
                if (echoed is not [var text] || text != _parameters[0])
                    throw new IOException("a result did not match its call");
                run.OnReply(sentAt);
            }
        }
        catch (Exception e)
        {
            run.OnError();
            Console.Error.WriteLine($"akka-tcp-bench: caller failed: {e.Message}");
        }
    }
}
