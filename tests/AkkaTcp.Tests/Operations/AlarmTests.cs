using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Operations;

/// <summary>alarms: one warning when a server passes its thresholds, then silence for the cooldown.</summary>
public sealed class AlarmTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Passing_connections_above_logs_one_warning_per_cooldown_and_the_waiting_room_its_own()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main {
              max-connections = 2, over-limit = queue, queue-timeout = 60s
              alarms { connections-above = 1, waiting-above = 1, cooldown = 1h }
            }
            """);
        var clients = new List<RawLineClient> { await EchoingClientAsync(server, "hi") };

        await EventFilter.Warning(contains: "alarm: 2 connections served, above alarms.connections-above = 1").ExpectOneAsync(async () =>
            clients.Add(await EchoingClientAsync(server, "hi")));
        // Two more wait: the second of them passes waiting-above; the served count alarm is in its cooldown.
        await EventFilter.Warning(contains: "alarm").ExpectOneAsync(async () =>
        {
            clients.Add(await RawLineClient.ConnectAsync(server.LocalEndPoint, Within()));
            clients.Add(await RawLineClient.ConnectAsync(server.LocalEndPoint, Within()));
            await AwaitAssertAsync(async () => Assert.Equal(2, (await server.GetStatsAsync()).Queued));
        });
        foreach (var client in clients)
            await client.DisposeAsync();
    }
}
