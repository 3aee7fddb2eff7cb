using System.Diagnostics;
using System.Net.Sockets;
using AkkaTcp.Tests.Support;
using StackExchange.Redis;
using StreamJsonRpc;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.TransportStages;

/// <summary>Every protocol over TLS, with the real clients of each: redis-cli and redis-benchmark with --tls, StackExchange.Redis with ssl=true, StreamJsonRpc over SslStream.</summary>
public sealed class TlsProtocolsTests(ITestOutputHelper output) : ServerSpec(output), IDisposable
{
    private readonly TestCertificates _certificates = new();

    private Task<AkkaTcpServer> StartTlsServerAsync(string protocolHocon)
    {
        var (certificate, key, _) = _certificates.Server("server");
        return StartServerAsync(protocolHocon + $$"""

            akka-tcp.servers.main.tls { enabled = on, certificate = "{{certificate}}", key = "{{key}}" }
            """);
    }

    private async Task<(int Exit, string Output)> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        var stderr = process.StandardError.ReadToEndAsync();
        var text = await process.StandardOutput.ReadToEndAsync(Within(60));
        await process.WaitForExitAsync(Within(60));
        return (process.ExitCode, text + await stderr);
    }

    [ToolFact(ExternalTools.RedisCli, ExternalTools.RedisBenchmark)]
    public async Task Redis_cli_and_redis_benchmark_with_tls()
    {
        var server = await StartTlsServerAsync("akka-tcp.servers.main.protocol = resp");
        string[] tls = ["-h", "127.0.0.1", "-p", server.LocalEndPoint.Port.ToString(), "--tls", "--cacert", _certificates.CaPem, "--sni", "localhost"];
        Assert.Equal((0, "OK\n"), await RunAsync("redis-cli", [.. tls, "SET", "greeting", "hello over tls"]));
        Assert.Equal((0, "hello over tls\n"), await RunAsync("redis-cli", [.. tls, "GET", "greeting"]));

        var (exit, text) = await RunAsync("redis-benchmark", [.. tls, "-n", "20000", "-c", "20", "-P", "16", "-r", "1000", "-t", "set,get", "--csv"]);
        Assert.True(exit == 0, text);
        Assert.Contains("\"SET\"", text);
        Assert.Contains("\"GET\"", text);
        var (_, size) = await RunAsync("redis-cli", [.. tls, "DBSIZE"]);
        Assert.InRange(int.Parse(size), 2, 1001); // greeting and the benchmark's random keys
    }

    [Fact]
    public async Task StackExchange_redis_with_ssl_true()
    {
        var server = await StartTlsServerAsync("akka-tcp.servers.main.protocol = resp");
        var options = new ConfigurationOptions
        {
            EndPoints = { server.LocalEndPoint },
            Ssl = true,
            SslHost = "localhost",
            AbortOnConnectFail = true,
            ConnectTimeout = (int)Dilated(TimeSpan.FromSeconds(10)).TotalMilliseconds,
            SyncTimeout = (int)Dilated(TimeSpan.FromSeconds(10)).TotalMilliseconds,
        };
        options.CertificateValidation += (_, certificate, _, errors) => TlsLineClient.TrustedBy(_certificates.Ca, certificate, errors);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            Assert.True(await db.StringSetAsync($"tls:{i}", new string('v', i * 100)));
            Assert.Equal(new string('v', i * 100), (string?)await db.StringGetAsync($"tls:{i}"));
            Assert.Equal(1, await db.ListRightPushAsync($"list:{i}", i));
        }));
        Assert.Equal(100L, (long)await db.ExecuteAsync("DBSIZE"));
    }

    [Fact]
    public async Task StreamJsonRpc_over_an_SslStream()
    {
        var server = await StartTlsServerAsync("""
            akka-tcp.servers.main.protocol = json-rpc
            akka-tcp.servers.main.json-rpc.methods = ["AkkaTcp.Tests.Protocols.JsonRpc.TestMethods, AkkaTcp.Tests"]
            """);
        await using var client = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        using var rpc = new JsonRpc(new NewLineDelimitedMessageHandler(client.Stream, client.Stream, new SystemTextJsonFormatter()));
        rpc.StartListening();
        var calls = Enumerable.Range(0, 300).Select(async i => Assert.Equal(new string($"call {i}".Reverse().ToArray()), await rpc.InvokeAsync<string>("reverse", $"call {i}")));
        await Task.WhenAll(calls);
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => rpc.InvokeAsync<string>("fail"));
        Assert.Contains("broken on purpose", error.Message);
    }

    [Fact]
    public async Task Random_over_tls()
    {
        var server = await StartTlsServerAsync("akka-tcp.servers.main.protocol = random");
        await using var client = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        for (var i = 0; i < 50; i++)
        {
            await client.SendAsync("1 6\n", Within());
            Assert.InRange(long.Parse((await client.ReadLineAsync(Within()))!), 1, 6);
        }
    }

    public new void Dispose()
    {
        _certificates.Dispose();
        base.Dispose();
    }
}
