using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Faults;

/// <summary>
/// Many connections busy at once (so deferred reads come in large batches, which prefetch and
/// gather each connection's list of Akka.IO's objects), half of them reset mid-stream, round after
/// round: every surviving connection's echoes stay exact, no connection is left behind, and the
/// server serves a new client afterwards.
/// </summary>
public sealed class PrefetchBatchResetTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const int Clients = 96;
    private const int Rounds = 6;
    private const int Bursts = 24; // of 8 pipelined lines each: more turns than a list needs

    [Fact]
    public async Task Connections_reset_amid_large_batches_leave_the_others_exact_and_nothing_behind()
    {
        var server = await StartServerAsync();
        var gatheredBefore = HotObjectsCount();
        for (var round = 0; round < Rounds; round++)
        {
            var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => RawLineClient.ConnectAsync(server.LocalEndPoint, Within())));
            var talks = clients.Select((client, i) => TalkAsync(client, i, resetAfter: i % 2 == 0 ? 1 + (i * 7 + round) % Bursts : -1)).ToArray();
            await Task.WhenAll(talks);
            foreach (var client in clients)
                await client.DisposeAsync();
            await AwaitAssertAsync(async () => Assert.Equal(0, (await server.GetStatsAsync()).Active), Dilated(TimeSpan.FromSeconds(20)));
        }
        await using var last = await EchoingClientAsync(server, "after the storm");
        Output.WriteLine($"prefetch lists gathered during the test (all tests of the process): {HotObjectsCount() - gatheredBefore}");
    }

    /// <summary>Bursts of 8 lines, each burst's echoes checked; resets the connection after <paramref name="resetAfter"/> bursts (-1: never).</summary>
    private async Task TalkAsync(RawLineClient client, int id, int resetAfter)
    {
        for (var burst = 0; burst < Bursts; burst++)
        {
            if (burst == resetAfter)
            {
                await client.SendAsync($"{id} cut mid-li", Within()); // a partial line, then the reset
                client.Reset();
                return;
            }
            var lines = new StringBuilder();
            for (var n = 0; n < 8; n++)
                lines.Append(id).Append(' ').Append(burst).Append(' ').Append(n).Append('\n');
            await client.SendAsync(lines.ToString(), Within());
            for (var n = 0; n < 8; n++)
                Assert.Equal($"{id} {burst} {n}", await client.ReadLineAsync(Within()));
        }
    }

    private static long HotObjectsCount() => AkkaTcp.Runtime.HotObjects.ListsGathered;
}
