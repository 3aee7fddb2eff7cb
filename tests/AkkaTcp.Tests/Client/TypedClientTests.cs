using Akka.Configuration;
using AkkaTcp.Client;
using AkkaTcp.Configuration;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Client;

/// <summary>The typed clients for the built-in protocols, each against its real server.</summary>
public sealed class TypedClientTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task RespClient_sets_gets_increments_and_runs_raw_commands()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = resp");
        await using var redis = new RespClient(server.LocalEndPoint, system: Sys);

        await redis.SetAsync("greeting", "héllo");
        Assert.Equal("héllo", await redis.GetAsync("greeting"));
        Assert.Null(await redis.GetAsync("missing"));
        Assert.Equal(1, await redis.IncrAsync("hits"));
        Assert.Equal(2, await redis.IncrAsync("hits"));
        var keys = await redis.ExecuteAsync(["KEYS", "*"]);
        Assert.Equal(["greeting", "hits"], keys.Items!.Select(k => k.AsString()).Order());
        Assert.Equal("PONG", (await redis.ExecuteAsync(["PING"])).AsString());

        var wrongType = await Assert.ThrowsAsync<RespErrorException>(() => redis.IncrAsync("greeting"));
        Assert.StartsWith("ERR", wrongType.Message);
        Assert.True((await redis.ExecuteAsync(["NOSUCHCOMMAND"])).IsError);
    }

    [Fact]
    public async Task RespClient_pipelines_concurrent_commands_in_order()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = resp");
        await using var redis = new RespClient(server.LocalEndPoint, system: Sys);

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => redis.SetAsync($"key:{i}", $"value {i}")));
        var values = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => redis.GetAsync($"key:{i}")));

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"value {i}"), values);
        Assert.Equal(1000, await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => redis.IncrAsync("counter"))).ContinueWith(t => t.Result.Max()));
    }

    [Fact]
    public async Task JsonRpcClient_invokes_methods_and_surfaces_errors()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = json-rpc");
        await using var rpc = new JsonRpcClient(server.LocalEndPoint, system: Sys);

        Assert.Equal(5, await rpc.InvokeAsync<int>("add", new[] { 2, 3 }));
        Assert.Equal(["a", "b"], (await rpc.InvokeAsync<string[]>("echo", new[] { "a", "b" }))!);
        var error = await Assert.ThrowsAsync<JsonRpcRemoteException>(() => rpc.InvokeAsync<int>("no-such-method"));
        Assert.Equal(-32601, error.Code);
        var invalid = await Assert.ThrowsAsync<JsonRpcRemoteException>(() => rpc.InvokeAsync<int>("add", new[] { "x" }));
        Assert.Equal(-32602, invalid.Code);
    }

    [Fact]
    public async Task JsonRpcClient_speaks_content_length_framing()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main.protocol = json-rpc
            akka-tcp.servers.main.json-rpc.framing = content-length
            """);
        await using var rpc = new JsonRpcClient(server.LocalEndPoint, system: Sys, framing: JsonRpcFraming.ContentLength);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => rpc.InvokeAsync<long>("add", new[] { i, 1000 })));

        Assert.Equal(Enumerable.Range(0, 100).Select(i => i + 1000L).ToArray(), results);
    }

    [Fact]
    public async Task LineClient_talks_to_the_echo_server_without_any_actor_system_of_the_callers()
    {
        var server = await StartServerAsync();
        // No ActorSystem passed: the client runs in one of its own, ended by DisposeAsync.
        await using var echo = new LineClient(server.LocalEndPoint);

        Assert.Equal("hello", await echo.SendAsync("hello"));
        var lines = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => echo.SendAsync($"line {i}")));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"line {i}"), lines);
    }

    [Fact]
    public void Client_settings_are_read_from_hocon_and_a_bad_value_names_its_key()
    {
        var settings = ClientSettings.Load(ConfigurationFactory.ParseString("""
            akka-tcp.client.request-timeout = 2s
            akka-tcp.client.pool.max-connections = 8
            akka-tcp.client.pool.health-check-after-idle = off
            """));
        Assert.Equal(TimeSpan.FromSeconds(2), settings.RequestTimeout);
        Assert.Equal(8, settings.Pool.MaxConnections);
        Assert.Null(settings.Pool.HealthCheckAfterIdle);
        Assert.Equal(ClientSettings.Default.ConnectTimeout, settings.ConnectTimeout);

        var error = Assert.Throws<InvalidConfigException>(() => ClientSettings.Load(ConfigurationFactory.ParseString("akka-tcp.client.pool.min-idle = 9")));
        Assert.Equal("akka-tcp.client.pool.min-idle = 9: must be between 0 and 4 (got 9)", error.Message);
    }
}
