using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>
/// Many clients pipelining into the same partitions while blocked clients come and go, so batches
/// run in their partitions on the connections' threads and by message, mixed: every client sees
/// its own commands in order, no write is lost, a rename is seen by the read behind it, and every
/// value pushed is popped once or still in its list.
/// </summary>
public sealed class KeyspaceOrderTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string Resp = "akka-tcp.servers.main.protocol = resp";
    private const int Clients = 12;
    private const int Rounds = 60;

    [Fact]
    public async Task Pipelining_clients_and_blocked_ones_mixed_lose_nothing_and_see_their_own_order()
    {
        var server = await StartServerAsync(Resp);
        using var stop = new CancellationTokenSource();
        var popped = 0;
        var poppers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await using var popper = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());
            while (!stop.IsCancellationRequested)
            {
                var reply = await popper.AskAsync(Within(), "BLPOP", "q0", "q1", "q2", "0.02");
                if (reply.StartsWith("*2\r\n", StringComparison.Ordinal))
                    Interlocked.Increment(ref popped);
                else
                    Assert.Equal("*-1\r\n", reply);
            }
        })).ToList();

        var pushed = await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(server, c))));
        await stop.CancelAsync();
        await Task.WhenAll(poppers);

        await using var check = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());
        var increments = pushed.Sum(p => p.Increments).ToString();
        Assert.Equal($"${increments.Length}\r\n{increments}\r\n", await check.AskAsync(Within(), "GET", "shared"));
        var left = 0;
        foreach (var queue in new[] { "q0", "q1", "q2" })
            left += int.Parse((await check.AskAsync(Within(), "LLEN", queue)).Trim(':', '\r', '\n'));
        Assert.Equal(pushed.Sum(p => p.Pushes), popped + left);
        Output.WriteLine($"{pushed.Sum(p => p.Pushes)} pushed, {popped} popped by blocked clients, {left} left");
    }

    /// <summary>Rounds of pipelines of random length; answers how many shared increments and pushes it made.</summary>
    private async Task<(int Increments, int Pushes)> ClientAsync(AkkaTcpServer server, int c)
    {
        await using var client = await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());
        var random = new Random(c);
        var own = 0;
        var increments = 0;
        var pushes = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var expected = new List<string?>(); // null: any integer reply
            var commands = new List<string[]>();
            for (var n = random.Next(1, 17); n > 0; n--)
            {
                switch (random.Next(5))
                {
                    case 0:
                        commands.Add(["INCR", "shared"]);
                        expected.Add(null);
                        increments++;
                        break;
                    case 1:
                        commands.Add(["RPUSH", $"q{c % 3}", $"{c}-{round}"]);
                        expected.Add(null);
                        pushes++;
                        break;
                    case 2:
                        var value = $"v{c}-{round}-{n}";
                        commands.Add(["SET", $"from{c}", value]);
                        commands.Add(["RENAME", $"from{c}", $"to{c}"]);
                        commands.Add(["GET", $"to{c}"]);
                        expected.AddRange(["+OK\r\n", "+OK\r\n", $"${value.Length}\r\n{value}\r\n"]);
                        break;
                    default:
                        commands.Add(["INCR", $"own{c}"]);
                        expected.Add($":{++own}\r\n");
                        break;
                }
            }
            await client.SendRawAsync([.. commands.SelectMany(RawRespClient.Encode)], Within());
            for (var i = 0; i < expected.Count; i++)
            {
                var reply = await client.ReadReplyAsync(Within());
                if (expected[i] is { } exact)
                    Assert.Equal(exact, reply);
                else
                    Assert.StartsWith(":", reply);
            }
        }
        return (increments, pushes);
    }
}
