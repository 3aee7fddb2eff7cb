using System.Net;
using Akka.Actor;
using AkkaTcp.Listening;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Listening;

/// <summary>The supervisor, listener and connection children: binding, accepting, failing, re-binding.</summary>
public sealed class ServerLifecycleTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string CrashingProtocol = """
        akka-tcp.protocols.crashing = "AkkaTcp.Tests.Protocols.CrashingEchoProtocol, AkkaTcp.Tests"
        akka-tcp.servers.main.protocol = crashing
        """;

    [Fact]
    public async Task A_server_binds_a_free_port_under_its_supervisor()
    {
        var server = await StartServerAsync();
        Assert.Equal(IPAddress.Loopback, server.LocalEndPoint.Address);
        Assert.NotEqual(0, server.LocalEndPoint.Port);
        Assert.Equal("/user/akka-tcp-main", server.Supervisor.Path.ToStringWithoutAddress());
        var listener = await Sys.ActorSelection("/user/akka-tcp-main/listener").ResolveOne(Dilated(TimeSpan.FromSeconds(5)));
        Assert.NotNull(listener);
    }

    [Fact]
    public async Task Each_accepted_client_gets_its_own_connection_child()
    {
        var server = await StartServerAsync();
        var clients = new List<RawLineClient>();
        for (var i = 0; i < 3; i++)
            clients.Add(await RawLineClient.ConnectAsync(server.LocalEndPoint, Within()));

        await AwaitAssertAsync(async () =>
        {
            var children = await Task.WhenAll(Enumerable.Range(1, 3).Select(id =>
                Sys.ActorSelection($"/user/akka-tcp-main/listener/conn-{id}").ResolveOne(Dilated(TimeSpan.FromSeconds(2)))));
            Assert.Equal(3, children.Distinct().Count());
        });
        var stats = await server.GetStatsAsync();
        Assert.Equal((3, 3), (stats.Active, stats.Accepted));

        foreach (var client in clients)
            await client.DisposeAsync();
        await AwaitAssertAsync(async () => Assert.Equal(0, (await server.GetStatsAsync()).Active));
    }

    /// <summary>
    /// Two servers never share a port: .NET's ReuseAddress on Linux also sets SO_REUSEPORT, which
    /// let a second server bind a live server's port and take half its clients.
    /// </summary>
    [Fact]
    public async Task A_port_another_server_listens_on_is_refused()
    {
        var first = await StartServerAsync();
        var port = first.LocalEndPoint.Port;
        var second = LoadSettings($"akka-tcp.servers.second.port = {port}").Servers.Single(s => s.Name == "second");

        var error = await Assert.ThrowsAsync<ServerStartException>(() => AkkaTcpServer.StartAsync(Sys, second));
        Assert.Equal($"server 'second' cannot listen on 127.0.0.1:{port}: Address already in use", error.Message);
        for (var i = 0; i < 5; i++)
        {
            await using var client = await EchoingClientAsync(first, "still the first's " + i);
        }
    }

    /// <summary>A protocol whose Start throws fails the server's start with its message, and the name is free again.</summary>
    [Fact]
    public async Task A_protocol_that_throws_at_start_fails_the_start_with_its_reason()
    {
        var settings = LoadSettings("akka-tcp.servers.main.port = 0").Servers[0];
        var throwing = settings with { Protocol = new ThrowingAtStart(settings.Protocol) };
        for (var i = 0; i < 3; i++)
        {
            var error = await Assert.ThrowsAsync<ServerStartException>(() => AkkaTcpServer.StartAsync(Sys, throwing).WaitAsync(Within(10)));
            Assert.Equal("server 'main' cannot start: no licence for this protocol", error.Message);
        }
        var server = await AkkaTcpServer.StartAsync(Sys, settings).WaitAsync(Within(10));
        await using var client = await EchoingClientAsync(server, "after the failed starts");
    }

    private sealed class ThrowingAtStart(AkkaTcp.Protocols.IProtocol inner) : AkkaTcp.Protocols.IProtocol
    {
        public void Start(IActorContext server) => throw new InvalidOperationException("no licence for this protocol");

        public AkkaTcp.Protocols.IProtocolSession OpenSession(AkkaTcp.Protocols.ConnectionInfo connection) => inner.OpenSession(connection);
    }

    /// <summary>
    /// A bind can fail before the caller of StartAsync has asked how the start went: the outcome
    /// must still reach it, at once, every time (it once waited for the 30 s start timeout instead).
    /// </summary>
    [Fact]
    public async Task A_start_that_fails_at_once_is_reported_at_once_every_time()
    {
        var first = await StartServerAsync();
        var second = LoadSettings($"akka-tcp.servers.second.port = {first.LocalEndPoint.Port}").Servers.Single(s => s.Name == "second");
        for (var i = 0; i < 200; i++)
        {
            var error = await Assert.ThrowsAsync<ServerStartException>(() => AkkaTcpServer.StartAsync(Sys, second).WaitAsync(Within(10)));
            Assert.Contains("Address already in use", error.Message); // and the name is free for the next try
        }
    }

    [Fact]
    public async Task Binding_a_taken_port_fails_with_a_clear_error()
    {
        using var taken = new TakenPort();
        var port = taken.Port;

        var error = await Assert.ThrowsAsync<ServerStartException>(() => StartServerAsync($"akka-tcp.servers.main.port = {port}"));
        Assert.Equal($"server 'main' cannot listen on 127.0.0.1:{port}: Address already in use", error.Message);
        await AwaitAssertAsync(() => Assert.True(Sys.ActorSelection("/user/akka-tcp-main").ResolveOne(TimeSpan.FromMilliseconds(200)).IsFaulted));
    }

    [Fact]
    public async Task A_handler_that_throws_resets_only_its_own_connection()
    {
        var server = await StartServerAsync(CrashingProtocol);
        await using var victim = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await using var bystander = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await victim.SendAsync("hello\n", Within());
        Assert.Equal("hello", await victim.ReadLineAsync(Within()));
        await bystander.SendAsync("hi\n", Within());
        Assert.Equal("hi", await bystander.ReadLineAsync(Within()));

        await victim.SendAsync("boom\n", Within());
        var (rest, clean) = await victim.ReadToEndAsync(Within());
        Assert.Empty(rest);
        Assert.False(clean, "a failed connection is reset, not closed as if all went well");

        await bystander.SendAsync("still fine\n", Within());
        Assert.Equal("still fine", await bystander.ReadLineAsync(Within()));
        await using var newcomer = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await newcomer.SendAsync("new\n", Within());
        Assert.Equal("new", await newcomer.ReadLineAsync(Within()));

        await AwaitAssertAsync(async () =>
        {
            var stats = await server.GetStatsAsync();
            Assert.Equal(1, stats.ClosedWith(CloseReason.Error));
            Assert.Equal(2, stats.Active);
        });
    }

    /// <summary>
    /// Akka.IO's actor for a socket stopped from outside (as a failure stops it): the client is
    /// reset, and the connection ends and frees its slot.
    /// </summary>
    [Fact]
    public async Task A_connection_whose_akka_io_actor_is_stopped_ends_and_frees_its_slot()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.max-connections = 1");
        await using var doomed = await EchoingClientAsync(server, "first");
        var tcpListener = (await AkkaIoListenerOfAsync(server))!;
        var socket = await Sys.ActorSelection(tcpListener.Path / "*").ResolveOne(Dilated(TimeSpan.FromSeconds(5)));
        Sys.Stop(socket);

        var (_, clean) = await doomed.ReadToEndAsync(Within());
        Assert.False(clean); // Akka.IO resets a socket whose actor stops
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).ClosedWith(CloseReason.Error)));
        await using var next = await EchoingClientAsync(server, "the slot is free");
    }

    /// <summary>When Akka.IO's listener dies, its socket actors die with it: their connections end too.</summary>
    [Fact]
    public async Task Connections_end_with_akka_io_listener_and_the_new_one_serves()
    {
        var server = await StartServerAsync();
        await using var served = await EchoingClientAsync(server, "before");
        var tcpListener = (await AkkaIoListenerOfAsync(server))!;
        tcpListener.Tell(PoisonPill.Instance);

        var (_, clean) = await served.ReadToEndAsync(Within());
        Assert.False(clean);
        await AwaitAssertAsync(async () =>
        {
            var stats = await server.GetStatsAsync();
            Assert.Equal(0, stats.Active);
            Assert.Equal(1, stats.ClosedWith(CloseReason.Error));
        });
        await AwaitAssertAsync(async () =>
        {
            await using var after = await EchoingClientAsync(server, "after");
        }, Dilated(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_listener_binds_again_when_akka_io_listener_dies()
    {
        var server = await StartServerAsync();
        var before = await AkkaIoListenerOfAsync(server);
        Assert.NotNull(before);
        Watch(before);
        before.Tell(PoisonPill.Instance);
        ExpectTerminated(before);

        await AwaitAssertAsync(async () =>
        {
            var after = await AkkaIoListenerOfAsync(server);
            Assert.NotNull(after);
            Assert.NotEqual(before, after);
        }, Dilated(TimeSpan.FromSeconds(10)));

        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("after re-bind\n", Within());
        Assert.Equal("after re-bind", await client.ReadLineAsync(Within()));
    }

    /// <summary>Akka.IO's internal listener actor of <paramref name="server"/> (null between re-binds).</summary>
    private async Task<IActorRef?> AkkaIoListenerOfAsync(AkkaTcpServer server) =>
        (await server.Supervisor.Ask<Listener.TcpListenerRef>(Listener.GetTcpListener.Instance, Dilated(TimeSpan.FromSeconds(5)))).Listener;
}
