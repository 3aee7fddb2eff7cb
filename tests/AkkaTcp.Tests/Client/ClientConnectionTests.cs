using System.Net;
using AkkaTcp.Client;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Client;

/// <summary>One multiplexed client connection against real servers over loopback.</summary>
public sealed class ClientConnectionTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string JsonRpcServer = "akka-tcp.servers.main.protocol = json-rpc";
    private const string SlowEchoServer = """
        akka-tcp.protocols.slow-echo = "AkkaTcp.Tests.Protocols.SlowEchoProtocol, AkkaTcp.Tests"
        akka-tcp.servers.main.protocol = slow-echo
        """;

    private Task<ClientConnection<JsonRpcCall, JsonRpcReply>> JsonRpcAsync(EndPoint server) =>
        ClientConnection<JsonRpcCall, JsonRpcReply>.ConnectAsync(server, new JsonRpcClientProtocol(), system: Sys, cancellationToken: Within());

    [Fact]
    public async Task A_timed_out_request_fails_alone_and_its_late_reply_is_dropped_by_id()
    {
        var server = await StartServerAsync(JsonRpcServer);
        await using var connection = await JsonRpcAsync(server.LocalEndPoint);

        var slow = connection.SendAsync(new JsonRpcCall("sleep", new[] { 2000 }), TimeSpan.FromMilliseconds(100));
        var others = Enumerable.Range(0, 20).Select(i => connection.SendAsync(new JsonRpcCall("echo", new[] { i }))).ToList();

        var timeout = await Assert.ThrowsAsync<RequestTimeoutException>(() => slow);
        Assert.Equal(TimeSpan.FromMilliseconds(100), timeout.Timeout);
        for (var i = 0; i < others.Count; i++)
            Assert.Equal(i, (await others[i]).Result!.Value[0].GetInt32());
        // Forgotten at once: nothing left waiting for the late reply.
        await EventuallyAsync(() => connection.PendingReplies == 0);

        // The late reply comes about 2 s later; calls made around it still get their own results.
        var sleeper = await connection.SendAsync(new JsonRpcCall("sleep", new[] { 2500 }));
        Assert.Equal(2500, sleeper.Result!.Value.GetInt32());
        Assert.True(connection.IsOpen);
        Assert.Equal("after", (await connection.SendAsync(new JsonRpcCall("echo", new[] { "after" }))).Result!.Value[0].GetString());
    }

    [Fact]
    public async Task A_timed_out_request_keeps_its_place_in_an_ordered_pipeline_so_later_replies_meet_their_callers()
    {
        var server = await StartServerAsync(SlowEchoServer);
        await using var connection = await ClientConnection<string, string>.ConnectAsync(server.LocalEndPoint, new LineClientProtocol(), system: Sys, cancellationToken: Within());

        var slow = connection.SendAsync("sleep 1000", TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAsync<RequestTimeoutException>(() => slow);
        // Sent after the timeout: its reply comes after "slept 1000", which must not reach it.
        Assert.Equal("hello", await connection.SendAsync("hello", Within()));
        Assert.Equal(0, connection.PendingReplies);
    }

    [Fact]
    public async Task Cancelling_one_request_leaves_the_others_on_the_connection()
    {
        var server = await StartServerAsync(JsonRpcServer);
        await using var connection = await JsonRpcAsync(server.LocalEndPoint);
        using var cancel = new CancellationTokenSource();

        var cancelled = connection.SendAsync(new JsonRpcCall("sleep", new[] { 5000 }), cancel.Token);
        var other = connection.SendAsync(new JsonRpcCall("sleep", new[] { 200 }));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(200, (await other).Result!.Value.GetInt32());
    }

    [Fact]
    public async Task A_broken_connection_fails_every_request_in_flight_at_once()
    {
        var server = await StartServerAsync(JsonRpcServer);
        await using var connection = await JsonRpcAsync(server.LocalEndPoint);
        var inFlight = Enumerable.Range(0, 10).Select(_ => connection.SendAsync(new JsonRpcCall("sleep", new[] { 30_000 }))).ToList();
        await EventuallyAsync(() => connection.PendingReplies == 10);

        await server.UnbindAsync(); // resets every connection

        foreach (var request in inFlight)
        {
            var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => request.WaitAsync(Within()));
            Assert.Equal(server.LocalEndPoint, error.EndPoint);
        }
        Assert.False(connection.IsOpen);
        await Assert.ThrowsAsync<ConnectionClosedException>(() => connection.SendAsync(new JsonRpcCall("echo", new[] { "late" })));
    }

    [Fact]
    public async Task DisposeAsync_waits_for_requests_in_flight_then_closes_with_a_FIN()
    {
        var server = await StartServerAsync(JsonRpcServer);
        var connection = await JsonRpcAsync(server.LocalEndPoint);
        var inFlight = connection.SendAsync(new JsonRpcCall("sleep", new[] { 500 }));

        await connection.DisposeAsync().AsTask().WaitAsync(Within());

        Assert.True(inFlight.IsCompletedSuccessfully);
        Assert.Equal(500, (await inFlight).Result!.Value.GetInt32());
        Assert.Equal("closed by the client", await connection.Closed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.SendAsync(new JsonRpcCall("echo", new[] { "late" })));
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).ClosedWith(CloseReason.PeerClosed)),
            Dilated(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Max_in_flight_makes_further_callers_wait_for_a_free_slot()
    {
        var server = await StartServerAsync(JsonRpcServer);
        var settings = ClientSettings.Default with { MaxInFlight = 2 };
        await using var connection = await ClientConnection<JsonRpcCall, JsonRpcReply>.ConnectAsync(
            server.LocalEndPoint, new JsonRpcClientProtocol(), settings, Sys, Within());

        var first = connection.SendAsync(new JsonRpcCall("sleep", new[] { 300 }));
        var second = connection.SendAsync(new JsonRpcCall("sleep", new[] { 300 }));
        var third = connection.SendAsync(new JsonRpcCall("echo", new[] { "third" }));

        await EventuallyAsync(() => connection.PendingReplies == 2);
        Assert.Equal(2, connection.PendingReplies); // the third is not on the wire yet...
        Assert.False(third.IsCompleted);
        Assert.Equal("third", (await third.WaitAsync(Within())).Result!.Value[0].GetString()); // ...and goes when a slot frees
        Assert.True(first.IsCompletedSuccessfully || second.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_refused_connect_fails_with_a_clear_error()
    {
        // Bound but not listening: the kernel refuses connects, and no one else can take the port meanwhile.
        using var bound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closedPort = ((IPEndPoint)bound.LocalEndPoint!).Port;

        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            ClientConnection<string, string>.ConnectAsync(new IPEndPoint(IPAddress.Loopback, closedPort), new LineClientProtocol(), system: Sys));

        Assert.Contains($"Could not connect to 127.0.0.1:{closedPort}", error.Message);
    }
}
