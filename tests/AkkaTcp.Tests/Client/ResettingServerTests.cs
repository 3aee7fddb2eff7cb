using AkkaTcp.Client;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Client;

/// <summary>
/// The client against a server that resets connections at accept: every dial ends (connected or
/// failed) by its deadline, whatever Akka.IO answers, and a pool recovers once the server does.
/// </summary>
public sealed class ResettingServerTests(ITestOutputHelper output) : ServerSpec(output)
{
    private static readonly ClientSettings Settings = ClientSettings.Default with
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        Pool = ClientSettings.Default.Pool with { MaxConnections = 2, AcquireTimeout = TimeSpan.FromSeconds(2) },
    };

    [Fact]
    public async Task Every_dial_to_a_server_that_resets_at_accept_ends_by_its_deadline()
    {
        using var resetting = new ResettingListener();
        var dials = Enumerable.Range(0, 100).Select(async _ =>
        {
            try
            {
                await using var connection = await ClientConnection<string, string>.ConnectAsync(resetting.EndPoint, new LineClientProtocol(), Settings, Sys);
                // Connected just before the reset reached it: its first request fails instead.
                await Assert.ThrowsAnyAsync<Exception>(() => connection.SendAsync("hi", TimeSpan.FromSeconds(1)));
            }
            catch (ConnectionFailedException)
            {
                // the dial failed: what a reset at accept should give
            }
        });
        await Task.WhenAll(dials).WaitAsync(Within(30)); // a dial without a deadline never ends
        Assert.True(resetting.Reset > 0);
    }

    [Fact]
    public async Task A_pool_hit_by_resets_at_accept_serves_every_caller_once_the_server_recovers()
    {
        var resetting = new ResettingListener();
        var endPoint = resetting.EndPoint;
        await using var pool = new ConnectionPool<string, string>(endPoint, new LineClientProtocol(), Settings, Sys);
        var failures = 0;
        var resetsOver = Task.Delay(TimeSpan.FromSeconds(3));
        var callers = Enumerable.Range(0, 8).Select(async caller =>
        {
            // While the server resets: every call fails, with the pool's own exceptions, never a NullReferenceException.
            while (!resetsOver.IsCompleted)
            {
                var error = await Assert.ThrowsAnyAsync<Exception>(() => pool.SendAsync($"caller {caller}", TimeSpan.FromSeconds(1)));
                Assert.True(error is ConnectionFailedException or ConnectionClosedException or PoolTimeoutException or TimeoutException,
                    $"caller {caller} got {error.GetType().Name}: {error.Message}");
                Interlocked.Increment(ref failures);
            }
        }).ToList();
        await Task.WhenAll(callers).WaitAsync(Within(30));
        resetting.Dispose();

        // The server comes back on the same port.
        var server = await StartServerAsync($"akka-tcp.servers.main.port = {endPoint.Port}");
        Assert.Equal(endPoint.Port, server.LocalEndPoint.Port);
        var served = await Task.WhenAll(Enumerable.Range(0, 8).Select(async caller =>
        {
            // A caller may still meet a dial that began before the recovery; it retries, as callers do.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return await pool.SendAsync($"caller {caller}", TimeSpan.FromSeconds(2));
                }
                catch (Exception e) when (attempt < 10 && e is ConnectionFailedException or ConnectionClosedException or PoolTimeoutException)
                {
                }
            }
        })).WaitAsync(Within(60));
        Assert.Equal(Enumerable.Range(0, 8).Select(caller => $"caller {caller}"), served);
        Assert.True(failures > 0);
    }
}
