using AkkaTcp.Configuration;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Limits;

/// <summary>AkkaTcpServer.UpdateSettingsAsync: limits and timeouts change on a running server and no served connection is dropped.</summary>
public sealed class LiveSettingsTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string Queueing = "akka-tcp.servers.main { over-limit = queue, queue-timeout = 60s, idle-timeout = 0 }";

    private static ServerSettings With(string hocon) => LoadSettings(Queueing + "\n" + hocon).Servers[0];

    [Fact]
    public async Task Raising_max_connections_admits_waiting_clients_at_once()
    {
        var server = await StartServerAsync(Queueing + "\nakka-tcp.servers.main.max-connections = 1");
        await using var served = await EchoingClientAsync(server, "first");
        await using var waiting = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await waiting.SendAsync("second\n", Within());
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).Queued));

        await server.UpdateSettingsAsync(With("akka-tcp.servers.main { max-connections = 2 }"));

        Assert.Equal("second", await waiting.ReadLineAsync(Within()));
        Assert.Equal(2, server.Settings.MaxConnections);
        var stats = await server.GetStatsAsync();
        Assert.Equal(2, stats.Active);
        Assert.Equal(0, stats.Closed);
    }

    [Fact]
    public async Task Lowering_max_connections_closes_nobody_and_new_clients_wait_until_the_count_is_below_it()
    {
        var server = await StartServerAsync(Queueing + "\nakka-tcp.servers.main.max-connections = 3");
        var clients = new List<RawLineClient>();
        for (var i = 0; i < 3; i++)
            clients.Add(await EchoingClientAsync(server, "client " + i));

        await server.UpdateSettingsAsync(With("akka-tcp.servers.main { max-connections = 1 }"));

        foreach (var client in clients)
        {
            await client.SendAsync("still served\n", Within());
            Assert.Equal("still served", await client.ReadLineAsync(Within()));
        }
        await using var late = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await late.SendAsync("late\n", Within());
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).Queued));

        await clients[0].DisposeAsync();
        await clients[1].DisposeAsync();
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).Active));
        Assert.Equal(1, (await server.GetStatsAsync()).Queued); // one served is the new limit: the late one still waits

        await clients[2].DisposeAsync();
        Assert.Equal("late", await late.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_new_idle_timeout_reaches_connections_already_open()
    {
        var server = await StartServerAsync(Queueing);
        await using var client = await EchoingClientAsync(server, "hello");

        await server.UpdateSettingsAsync(With("akka-tcp.servers.main { idle-timeout = 500ms }"));

        var (_, clean) = await client.ReadToEndAsync(Within());
        Assert.True(clean);
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).ClosedWith(CloseReason.Idle)));
    }

    [Fact]
    public async Task A_change_only_a_restart_can_make_is_refused_and_the_server_keeps_its_settings()
    {
        var server = await StartServerAsync(Queueing);
        var before = server.Settings;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            server.UpdateSettingsAsync(With("akka-tcp.servers.main { protocol = random }")));
        Assert.Contains("protocol changed", error.Message);
        Assert.Same(before, server.Settings);
        await using var client = await EchoingClientAsync(server, "still echo");
    }

    [Fact]
    public async Task A_server_stopped_alone_drains_and_its_name_starts_again()
    {
        var server = await StartServerAsync(Queueing + "\nakka-tcp.servers.main.port = " + ReusablePort.Next());
        var client = await EchoingClientAsync(server, "before");
        var stopping = server.StopAsync();
        var (_, clean) = await client.ReadToEndAsync(Within());
        Assert.True(clean);
        Assert.Equal(1, (await stopping).Drained);

        var again = await AkkaTcpServer.StartAsync(Sys, With("akka-tcp.servers.main.port = " + server.LocalEndPoint.Port));
        await using var next = await EchoingClientAsync(again, "after");
    }

    /// <summary>
    /// The drain reports a connection finished only once Akka.IO has sent its FIN: the unbind right
    /// after it stops Akka.IO's connection actors at once and would otherwise reset the client.
    /// </summary>
    [Fact]
    public async Task A_client_of_a_server_stopped_at_once_always_reads_a_clean_end()
    {
        var port = ReusablePort.Next();
        for (var i = 0; i < 100; i++)
        {
            var server = await AkkaTcpServer.StartAsync(Sys, With("akka-tcp.servers.main.port = " + port));
            var client = await EchoingClientAsync(server, "before");
            var stopping = server.StopAsync();
            var (rest, clean) = await client.ReadToEndAsync(Within());
            Assert.True(clean, $"stop {i}: the client was reset");
            Assert.Empty(rest);
            Assert.Equal(1, (await stopping).Drained);
        }
    }

    /// <summary>
    /// Stopped completes only once the name is free again: a start right after it never finds the
    /// name taken (the user guardian removes it a moment after the supervisor's watchers hear).
    /// </summary>
    [Fact]
    public async Task A_name_starts_again_at_once_after_a_stop_every_time()
    {
        for (var i = 0; i < 50; i++)
        {
            var server = await AkkaTcpServer.StartAsync(Sys, With("akka-tcp.servers.main.port = 0"));
            await server.StopAsync();
            Assert.True(server.Stopped.IsCompleted);
        }
        await using var client = await EchoingClientAsync(await AkkaTcpServer.StartAsync(Sys, With("akka-tcp.servers.main.port = 0")), "last");
    }

    /// <summary>
    /// A process started at the moment the port closes holds a copy of the listening socket from its
    /// fork until its exec, and the port listens on there for some milliseconds: Stopped waits for it
    /// to close, after an orderly stop and after the supervisor was simply stopped.
    /// </summary>
    [Fact]
    public async Task A_port_starts_again_at_once_after_a_stop_while_processes_start()
    {
        using var storm = new ProcessStorm();
        var port = ReusablePort.Next();
        for (var i = 0; i < 60; i++)
        {
            var server = await AkkaTcpServer.StartAsync(Sys, With("akka-tcp.servers.main.port = " + port)).WaitAsync(Within());
            await using (await EchoingClientAsync(server, "round " + i))
            {
                if (i % 2 == 0)
                    await server.StopAsync().WaitAsync(Within());
                else
                    Sys.Stop(server.Supervisor);
                await server.Stopped.WaitAsync(Within());
            }
        }
        var started = await storm.StopAsync();
        Output.WriteLine($"{started} processes started meanwhile");
        Assert.True(started > 0, "no process started while the port closed and opened again");
    }

    [Fact]
    public async Task Only_the_live_keys_may_change_without_a_restart_and_the_protocol_block_is_not_one_of_them()
    {
        var server = await AkkaTcpServer.StartAsync(Sys, With("akka-tcp.servers.main { protocol = random, random.max = 10 }"));
        Assert.Null(server.RestartNeededFor(With("akka-tcp.servers.main { protocol = random, random.max = 10 }")));
        Assert.Null(server.RestartNeededFor(With("""
            akka-tcp.servers.main { protocol = random, random.max = 10, max-connections = 7, idle-timeout = 5s,
              write-timeout = 9s, heartbeat.misses = 4, max-accept-rate-per-ip.per-second = 3, max-pending-write-bytes = 8m }
            """)));
        Assert.Contains("protocol's own block", server.RestartNeededFor(With("akka-tcp.servers.main { protocol = random, random.max = 11 }")));
        Assert.Contains("socket options", server.RestartNeededFor(With("akka-tcp.servers.main { protocol = random, random.max = 10, backlog = 7 }")));
    }
}
