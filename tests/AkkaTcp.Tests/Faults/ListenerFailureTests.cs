using Akka.Actor;
using AkkaTcp.Listening;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Faults;

/// <summary>
/// A failure inside the listener (a bug, injected here) costs the message it was handling and
/// nothing else: the listener resumes with its bookkeeping, its connections and its port.
/// </summary>
public sealed class ListenerFailureTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_listener_that_throws_keeps_its_connections_its_counts_and_its_port()
    {
        var server = await StartServerAsync();
        await using var first = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await using var second = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await first.SendAsync("a\n", Within());
        Assert.Equal("a", await first.ReadLineAsync(Within()));
        await second.SendAsync("b\n", Within());
        Assert.Equal("b", await second.ReadLineAsync(Within()));

        await EventFilter.Exception<InvalidOperationException>("injected listener fault").ExpectOneAsync(() =>
        {
            server.Supervisor.Tell(new Listener.InjectFault("injected listener fault"));
            return Task.CompletedTask;
        });

        await first.SendAsync("still a\n", Within());
        Assert.Equal("still a", await first.ReadLineAsync(Within()));
        await second.SendAsync("still b\n", Within());
        Assert.Equal("still b", await second.ReadLineAsync(Within()));
        await using var newcomer = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await newcomer.SendAsync("new\n", Within());
        Assert.Equal("new", await newcomer.ReadLineAsync(Within()));
        var stats = await server.GetStatsAsync();
        Assert.Equal(3, stats.Active);
        Assert.Equal(3, stats.Accepted);
        Assert.False(server.Stopped.IsCompleted);
    }
}
