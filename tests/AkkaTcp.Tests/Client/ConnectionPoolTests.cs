using System.Diagnostics.Metrics;
using System.Net;
using Akka.Actor;
using AkkaTcp.Client;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Client;

/// <summary>The connection pool against real servers over loopback.</summary>
public sealed class ConnectionPoolTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string JsonRpcServer = "akka-tcp.servers.main.protocol = json-rpc";

    private static ClientSettings Settings(int maxConnections = 4, int maxInFlight = 128, double acquireSeconds = 60, double idleSeconds = 60, int minIdle = 0) =>
        ClientSettings.Default with
        {
            MaxInFlight = maxInFlight,
            Pool = ClientSettings.Default.Pool with
            {
                MaxConnections = maxConnections,
                MinIdle = minIdle,
                AcquireTimeout = TimeSpan.FromSeconds(acquireSeconds),
                IdleTimeout = TimeSpan.FromSeconds(idleSeconds),
            },
        };

    private ConnectionPool<JsonRpcCall, JsonRpcReply> JsonRpcPool(EndPoint server, ClientSettings settings) =>
        new(server, new JsonRpcClientProtocol(), settings, Sys);

    [Fact]
    public async Task Ten_thousand_concurrent_calls_through_four_connections_each_get_their_own_result_and_leave_nothing_pending()
    {
        var server = await StartServerAsync(JsonRpcServer);
        await using var pool = JsonRpcPool(server.LocalEndPoint, Settings());

        var calls = Enumerable.Range(0, 10_000).Select(async i =>
        {
            if (i % 2 == 0)
            {
                var ms = i % 41; // random-ish sleeps: replies come back out of order
                var slept = await pool.SendAsync(new JsonRpcCall("sleep", new[] { ms }));
                Assert.Equal(ms, slept.Result!.Value.GetInt32());
            }
            else
            {
                var echoed = await pool.SendAsync(new JsonRpcCall("echo", new { call = i }));
                Assert.Equal(i, echoed.Result!.Value.GetProperty("call").GetInt32());
            }
        });
        await Task.WhenAll(calls).WaitAsync(Within(120));

        Assert.Equal(0, pool.PendingReplies);
        Assert.Equal(0, pool.WaitingCallers);
        Assert.Equal(4, pool.Connections);
        Assert.Equal(4, (await server.GetStatsAsync()).Accepted);
    }

    [Fact]
    public async Task A_connection_idle_past_idle_timeout_is_redialled_when_taken()
    {
        var server = await StartServerAsync(JsonRpcServer);
        // min-idle 1 keeps the background sweep off this connection: only the checkout rule acts.
        await using var pool = JsonRpcPool(server.LocalEndPoint, Settings(idleSeconds: 0.2, minIdle: 1));
        await pool.SendAsync(new JsonRpcCall("echo", new[] { 1 }));
        Assert.Equal(1, (await server.GetStatsAsync()).Accepted);

        await Task.Delay(TimeSpan.FromMilliseconds(300)); // the condition under test: 300 ms of idleness

        Assert.Equal(2, (await pool.SendAsync(new JsonRpcCall("echo", new[] { 2 }))).Result!.Value[0].GetInt32());
        Assert.Equal(2, (await server.GetStatsAsync()).Accepted);
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).Active), Dilated(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Callers_wait_for_a_busy_pool_up_to_acquire_timeout_then_fail_clearly()
    {
        var server = await StartServerAsync(JsonRpcServer);
        await using var pool = JsonRpcPool(server.LocalEndPoint, Settings(maxConnections: 1, maxInFlight: 1, acquireSeconds: 0.2));
        var busy = pool.SendAsync(new JsonRpcCall("sleep", new[] { 3000 }));
        await EventuallyAsync(() => pool.PendingReplies == 1);

        var error = await Assert.ThrowsAsync<PoolTimeoutException>(() => pool.SendAsync(new JsonRpcCall("echo", new[] { 1 })));

        Assert.Contains("No connection to 127.0.0.1:", error.Message);
        Assert.Contains("1 connections, each at max-in-flight 1", error.Message);
        Assert.Equal(0, pool.WaitingCallers);
        Assert.Equal(3000, (await busy).Result!.Value.GetInt32());
    }

    [Fact]
    public async Task Waiting_callers_are_served_in_order_as_slots_free()
    {
        var server = await StartServerAsync(JsonRpcServer);
        await using var pool = JsonRpcPool(server.LocalEndPoint, Settings(maxConnections: 1, maxInFlight: 1));
        var busy = pool.SendAsync(new JsonRpcCall("sleep", new[] { 200 }));
        await EventuallyAsync(() => pool.PendingReplies == 1);
        var waiting = new List<Task<JsonRpcReply>>();
        for (var i = 0; i < 5; i++)
        {
            waiting.Add(pool.SendAsync(new JsonRpcCall("echo", new[] { i })));
            var queued = i + 1;
            await EventuallyAsync(() => pool.WaitingCallers == queued);
        }

        var replies = await Task.WhenAll(waiting).WaitAsync(Within());

        Assert.True(busy.IsCompletedSuccessfully);
        // A reply's id is the connection's sequence number of the request: ids in call order mean sent in call order.
        for (var i = 1; i < replies.Length; i++)
            Assert.True(replies[i].Id > replies[i - 1].Id, $"caller {i} was served before caller {i - 1}");
    }

    /// <summary>
    /// A slot handed to a waiting caller counts at once, before the caller resumes and sends: the
    /// pool once chose by requests already sent, took a full connection for the least busy, failed
    /// to get its slot and left callers waiting while the other connection had free slots.
    /// </summary>
    [Fact]
    public async Task Callers_that_waited_for_the_dials_all_get_a_free_slot_at_once()
    {
        var server = await StartServerAsync(JsonRpcServer);
        var pools = new List<ConnectionPool<JsonRpcCall, JsonRpcReply>>();
        var calls = new List<Task<JsonRpcReply>>();
        for (var round = 0; round < 40; round++)
        {
            var pool = JsonRpcPool(server.LocalEndPoint, Settings(maxConnections: 2, maxInFlight: 4));
            pools.Add(pool);
            calls.AddRange(Enumerable.Range(0, 8).Select(_ => pool.SendAsync(new JsonRpcCall("sleep", new[] { 30_000 }))));
            await AwaitAssertAsync(() =>
            {
                Assert.Equal(0, pool.WaitingCallers);
                Assert.Equal(8, pool.PendingReplies);
            }, Dilated(TimeSpan.FromSeconds(5)));
        }

        Sys.Stop(server.Supervisor); // resets every connection: the sleeping calls end at once
        await server.Stopped.WaitAsync(Within());
        foreach (var call in calls)
            await Assert.ThrowsAsync<ConnectionClosedException>(() => call.WaitAsync(Within()));
        foreach (var pool in pools)
            await pool.DisposeAsync();
    }

    [Fact]
    public async Task DisposeAsync_waits_for_requests_in_flight_and_later_calls_are_refused()
    {
        var server = await StartServerAsync(JsonRpcServer);
        var pool = JsonRpcPool(server.LocalEndPoint, Settings());
        var inFlight = Enumerable.Range(0, 20).Select(i => pool.SendAsync(new JsonRpcCall("sleep", new[] { 100 + i * 10 }))).ToList();
        await EventuallyAsync(() => pool.PendingReplies == 20);

        await pool.DisposeAsync().AsTask().WaitAsync(Within());

        Assert.All(inFlight, call => Assert.True(call.IsCompletedSuccessfully));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.SendAsync(new JsonRpcCall("echo", new[] { 1 })));
        await AwaitAssertAsync(async () => Assert.Equal(0, (await server.GetStatsAsync()).Active), Dilated(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_server_restart_fails_requests_in_flight_fast_and_the_pool_reconnects()
    {
        var port = ReusablePort.Next();
        var server = await StartServerAsync(JsonRpcServer + $"\nakka-tcp.servers.main.port = {port}");
        await using var pool = JsonRpcPool(server.LocalEndPoint, Settings(maxConnections: 2));
        var inFlight = Enumerable.Range(0, 50).Select(_ => pool.SendAsync(new JsonRpcCall("sleep", new[] { 30_000 }))).ToList();
        await EventuallyAsync(() => pool.PendingReplies == 50);

        await StopAsync(server);

        // Fast: long before their 30 s sleeps or request-timeout, with the connection's reason.
        foreach (var request in inFlight)
            await Assert.ThrowsAsync<ConnectionClosedException>(() => request.WaitAsync(Within(10)));
        await EventuallyAsync(() => pool.Connections == 0);
        await Assert.ThrowsAsync<ConnectionFailedException>(() => pool.SendAsync(new JsonRpcCall("echo", new[] { 0 })));

        var restarted = await StartServerAsync(JsonRpcServer + $"\nakka-tcp.servers.main.port = {port}");
        for (var i = 0; i < 100; i++)
            Assert.Equal(i, (await pool.SendAsync(new JsonRpcCall("echo", new[] { i }))).Result!.Value[0].GetInt32());
        Assert.InRange((await restarted.GetStatsAsync()).Accepted, 1, 2);
    }

    [Fact]
    public async Task A_connection_the_server_closes_is_dropped_and_never_handed_out()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.idle-timeout = 300ms");
        await using var pool = new ConnectionPool<string, string>(server.LocalEndPoint, new LineClientProtocol(), Settings(), Sys);
        Assert.Equal("one", await pool.SendAsync("one"));

        await EventuallyAsync(() => pool.Connections == 0); // the server's idle-timeout closed it

        Assert.Equal("two", await pool.SendAsync("two"));
        Assert.Equal(2, (await server.GetStatsAsync()).Accepted);
    }

    [Fact]
    public async Task A_connection_that_fails_its_health_check_is_replaced()
    {
        var server = await StartServerAsync("""
            akka-tcp.protocols.slow-echo = "AkkaTcp.Tests.Protocols.SlowEchoProtocol, AkkaTcp.Tests"
            akka-tcp.servers.main.protocol = slow-echo
            """);
        // The "ping" is answered only after 10 s, so the check (bounded by connect-timeout) fails.
        var settings = Settings() with { ConnectTimeout = TimeSpan.FromMilliseconds(300) };
        settings = settings with { Pool = settings.Pool with { HealthCheckAfterIdle = TimeSpan.Zero } };
        await using var pool = new ConnectionPool<string, string>(server.LocalEndPoint, new LineClientProtocol(ping: "sleep 10000"), settings, Sys);
        Assert.Equal("first", await pool.SendAsync("first"));

        Assert.Equal("second", await pool.SendAsync("second"));

        Assert.Equal(2, (await server.GetStatsAsync()).Accepted);
        Assert.Equal(1, pool.Connections);
    }

    [Fact]
    public async Task Pool_size_idle_connections_waiting_callers_and_timeouts_are_on_the_AkkaTcp_meter()
    {
        var server = await StartServerAsync(JsonRpcServer);
        var endpoint = server.LocalEndPoint.ToString();
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AkkaTcpMetrics.MeterName && instrument.Name.StartsWith("akkatcp.client.", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "endpoint" && Equals(tag.Value, endpoint))
                {
                    lock (seen)
                        seen[instrument.Name] = instrument.Name.EndsWith("timeouts", StringComparison.Ordinal) ? seen.GetValueOrDefault(instrument.Name) + value : value;
                }
            }
        }
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        await using var pool = JsonRpcPool(server.LocalEndPoint, Settings(maxConnections: 2, maxInFlight: 1));

        // Two calls hold both connections' only slot until they time out; a third waits meanwhile.
        var holdFor = Dilated(TimeSpan.FromSeconds(1.5));
        var sleeps = Enumerable.Range(0, 2).Select(_ => pool.SendAsync(new JsonRpcCall("sleep", new[] { (int)holdFor.TotalMilliseconds + 500 }), holdFor)).ToList();
        await EventuallyAsync(() => pool.PendingReplies == 2);
        var waiter = pool.SendAsync(new JsonRpcCall("echo", new[] { 1 }));
        await EventuallyAsync(() => pool.WaitingCallers == 1);
        listener.RecordObservableInstruments();
        lock (seen)
        {
            Assert.Equal(2, seen["akkatcp.client.pool.connections"]);
            Assert.Equal(0, seen["akkatcp.client.pool.idle"]);
            Assert.Equal(1, seen["akkatcp.client.pool.waiting"]);
        }
        foreach (var sleep in sleeps)
            await Assert.ThrowsAsync<RequestTimeoutException>(() => sleep);
        await waiter;
        await EventuallyAsync(() => pool.IdleConnections == 2);
        listener.RecordObservableInstruments();
        lock (seen)
        {
            Assert.Equal(2, seen["akkatcp.client.requests.timeouts"]);
            Assert.Equal(2, seen["akkatcp.client.pool.idle"]);
            Assert.Equal(0, seen["akkatcp.client.pool.waiting"]);
        }
    }

    private async Task StopAsync(AkkaTcpServer server)
    {
        await server.UnbindAsync(); // closes the port and resets every connection
        var probe = CreateTestProbe();
        probe.Watch(server.Supervisor);
        server.Supervisor.Tell(PoisonPill.Instance);
        probe.ExpectTerminated(server.Supervisor, Dilated(TimeSpan.FromSeconds(10)));
    }
}
