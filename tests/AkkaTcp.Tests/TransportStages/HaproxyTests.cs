using System.Net;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.TransportStages;

/// <summary>
/// A real HAProxy (send-proxy and send-proxy-v2) in front of AkkaTcp on loopback. Clients connect
/// to HAProxy from 127.0.0.5; HAProxy connects from 127.0.0.1, the trusted proxy. The server must
/// see 127.0.0.5.
/// </summary>
public sealed class HaproxyTests(ITestOutputHelper output) : ServerSpec(output)
{
    private static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.5");

    private const string SourceEcho = """
        akka-tcp.protocols.source-echo = "AkkaTcp.Tests.Protocols.SourceEchoProtocol, AkkaTcp.Tests"
        akka-tcp.servers.main { protocol = source-echo, proxy-protocol = required, trusted-proxies = ["127.0.0.1/32"] }
        """;

    [ToolFact(ExternalTools.Haproxy)]
    public async Task Behind_send_proxy_and_send_proxy_v2_the_server_sees_the_client_address()
    {
        var server = await StartServerAsync(SourceEcho);
        foreach (var version in new[] { 1, 2 })
        {
            await using var haproxy = await HaproxyProcess.StartAsync(server.LocalEndPoint, version, () => Within());
            await using var client = await RawLineClient.ConnectAsync(haproxy.EndPoint, Within(), ClientAddress);
            await client.SendAsync("who am i\n", Within());
            Assert.Equal("127.0.0.5", await client.ReadLineAsync(Within()));
        }
    }

    [ToolFact(ExternalTools.Haproxy)]
    public async Task The_per_ip_limit_behind_haproxy_counts_each_client_apart()
    {
        var server = await StartServerAsync(SourceEcho + "akka-tcp.servers.main.max-connections-per-ip = 1");
        await using var haproxy = await HaproxyProcess.StartAsync(server.LocalEndPoint, 2, () => Within());
        await using var first = await RawLineClient.ConnectAsync(haproxy.EndPoint, Within(), ClientAddress);
        await first.SendAsync("one\n", Within());
        Assert.Equal("127.0.0.5", await first.ReadLineAsync(Within()));
        await using var other = await RawLineClient.ConnectAsync(haproxy.EndPoint, Within(), IPAddress.Parse("127.0.0.6"));
        await other.SendAsync("two\n", Within());
        Assert.Equal("127.0.0.6", await other.ReadLineAsync(Within()));
        await using var second = await RawLineClient.ConnectAsync(haproxy.EndPoint, Within(), ClientAddress);
        await second.SendAsync("three\n", Within());
        Assert.Equal("ERR server busy", await second.ReadLineAsync(Within()));
    }

    [ToolFact(ExternalTools.Haproxy)]
    public async Task Tls_passes_through_haproxy_after_its_header()
    {
        using var certificates = new TestCertificates();
        var (certificate, key, _) = certificates.Server("server");
        var server = await StartServerAsync(SourceEcho + $$"""akka-tcp.servers.main.tls { enabled = on, certificate = "{{certificate}}", key = "{{key}}" }""");
        await using var haproxy = await HaproxyProcess.StartAsync(server.LocalEndPoint, 2, () => Within());
        await using var client = await TlsLineClient.ConnectAsync(haproxy.EndPoint, certificates.Ca, Within(), from: ClientAddress);
        await client.SendAsync("who am i\n", Within());
        Assert.Equal("127.0.0.5", await client.ReadLineAsync(Within()));
    }
}
