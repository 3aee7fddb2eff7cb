using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.TransportStages;

/// <summary>
/// The PROXY protocol over loopback with crafted headers: the client address a header names is
/// the one the protocol, the per-IP limit and resp's CLIENT LIST see; untrusted, malformed, late
/// and missing headers close with reason proxy-protocol. 127.0.0.1 plays the load balancer.
/// </summary>
public sealed class ProxyProtocolTests(ITestOutputHelper output) : ServerSpec(output)
{
    private static readonly IPAddress Untrusted = IPAddress.Parse("127.0.0.2");

    private static string Hocon(string mode, string extra = "") => $$"""
        akka-tcp.protocols.source-echo = "AkkaTcp.Tests.Protocols.SourceEchoProtocol, AkkaTcp.Tests"
        akka-tcp.servers.main {
          protocol = source-echo
          proxy-protocol = {{mode}}
          trusted-proxies = ["127.0.0.1/32", "::1"]
          {{extra}}
        }
        """;

    private static byte[] V1(string client) => Encoding.ASCII.GetBytes($"PROXY TCP4 {client} 10.0.0.1 40000 7000\r\n");

    private Task AwaitClosedAsync(AkkaTcpServer server, CloseReason reason, long count) =>
        AwaitAssertAsync(async () =>
        {
            var stats = await server.GetStatsAsync();
            Assert.True(count == stats.ClosedWith(reason),
                $"expected {count} closed as {reason.Name()}; closed: {string.Join(", ", stats.ClosedByReason.Select(p => $"{p.Key.Name()} {p.Value}"))}");
        });

    private async Task<RawLineClient> ProxiedAsync(AkkaTcpServer server, byte[] header, IPAddress? from = null)
    {
        var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), from);
        await client.SendAsync(header, Within());
        return client;
    }

    [Fact]
    public async Task A_version_1_header_names_the_client_the_protocol_sees()
    {
        var server = await StartServerAsync(Hocon("required"));
        await using var client = await ProxiedAsync(server, V1("192.0.2.10"));
        await client.SendAsync("who am i\n", Within());
        Assert.Equal("192.0.2.10", await client.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_version_2_header_in_pieces_with_the_first_request_behind_it_works()
    {
        var server = await StartServerAsync(Hocon("required"));
        var header = ProxyHeaderParserTests.V2Tcp(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("10.0.0.1:7000"), [0x04, 0x00, 0x03, 1, 2, 3]);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        // Separate small sends (Nagle is off) so the header crosses several reads.
        await client.SendAsync(header.AsMemory(0, 5), Within());
        await Task.Delay(20);
        await client.SendAsync(header.AsMemory(5, 14), Within());
        await Task.Delay(20);
        await client.SendAsync(header[19..].Concat("first\nsecond\n"u8.ToArray()).ToArray(), Within());
        Assert.Equal("203.0.113.7", await client.ReadLineAsync(Within()));
        Assert.Equal("203.0.113.7", await client.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_local_header_keeps_the_proxy_s_own_address()
    {
        var server = await StartServerAsync(Hocon("required"));
        await using var client = await ProxiedAsync(server, ProxyHeaderParserTests.V2(0, 0x00, []));
        await client.SendAsync("health check\n", Within());
        Assert.Equal("127.0.0.1", await client.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_header_from_an_untrusted_source_is_refused_in_either_mode()
    {
        foreach (var mode in new[] { "required", "optional" })
        {
            var server = await StartServerAsync(Hocon(mode));
            await using var client = await ProxiedAsync(server, V1("192.0.2.10"), from: Untrusted);
            await client.SendAsync("spoofed\n", Within());
            var (rest, clean) = await client.ReadToEndAsync(Within());
            Assert.Empty(rest);
            Assert.True(clean);
            await AwaitClosedAsync(server, CloseReason.ProxyProtocol, 1);
            await server.StopAsync();
        }
    }

    [Fact]
    public async Task Required_refuses_an_untrusted_source_and_a_trusted_one_without_a_header()
    {
        var server = await StartServerAsync(Hocon("required", "handshake-timeout = 500ms"));
        await using var untrusted = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), Untrusted);
        Assert.True((await untrusted.ReadToEndAsync(Within())).CleanClose);
        await using var direct = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await direct.SendAsync("no header\n", Within());
        Assert.Empty((await direct.ReadToEndAsync(Within())).Remaining);
        await using var silent = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        Assert.True((await silent.ReadToEndAsync(Within())).CleanClose); // no header within handshake-timeout
        await using var truncated = await ProxiedAsync(server, "PROXY TCP4 192.0.2"u8.ToArray());
        Assert.True((await truncated.ReadToEndAsync(Within())).CleanClose);
        await AwaitClosedAsync(server, CloseReason.ProxyProtocol, 4);
        var stats = await server.GetStatsAsync();
        Assert.Equal(0, stats.Active);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 99999 443\r\n")]
    [InlineData("PROXY TCP4 not-an-address 198.51.100.1 1 2\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 1 2\n")]
    public async Task A_malformed_header_closes_with_reason_proxy_protocol(string header)
    {
        var server = await StartServerAsync(Hocon("optional"));
        await using var client = await ProxiedAsync(server, Encoding.ASCII.GetBytes(header + "hello\n"));
        Assert.Empty((await client.ReadToEndAsync(Within())).Remaining);
        await AwaitClosedAsync(server, CloseReason.ProxyProtocol, 1);
    }

    [Fact]
    public async Task Optional_serves_direct_clients_as_themselves_and_proxied_ones_as_their_clients()
    {
        var server = await StartServerAsync(Hocon("optional", "handshake-timeout = 300ms"));
        await using var direct = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), Untrusted);
        await direct.SendAsync("direct\n", Within());
        Assert.Equal("127.0.0.2", await direct.ReadLineAsync(Within()));
        await using var proxied = await ProxiedAsync(server, V1("192.0.2.44"));
        await proxied.SendAsync("proxied\n", Within());
        Assert.Equal("192.0.2.44", await proxied.ReadLineAsync(Within()));
        // Quiet past the handshake time: a direct client that waits before speaking is still served.
        await using var quiet = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await AwaitAssertAsync(async () => Assert.Equal(3, (await server.GetStatsAsync()).Active));
        await quiet.SendAsync("later\n", Within());
        Assert.Equal("127.0.0.1", await quiet.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task The_per_ip_limit_counts_the_clients_the_headers_name_not_the_balancer()
    {
        var server = await StartServerAsync(Hocon("required", "max-connections-per-ip = 1"));
        await using var a = await ProxiedAsync(server, V1("192.0.2.1"));
        await a.SendAsync("a\n", Within());
        Assert.Equal("192.0.2.1", await a.ReadLineAsync(Within()));
        await using var b = await ProxiedAsync(server, V1("192.0.2.2"));
        await b.SendAsync("b\n", Within());
        Assert.Equal("192.0.2.2", await b.ReadLineAsync(Within()));
        await using var secondFromA = await ProxiedAsync(server, V1("192.0.2.1"));
        var (rest, clean) = await secondFromA.ReadToEndAsync(Within());
        Assert.Equal("ERR server busy\n", Encoding.ASCII.GetString(rest));
        Assert.True(clean);
        var connections = await server.GetConnectionsAsync();
        Assert.Equal(["192.0.2.1", "192.0.2.2"], connections.Where(c => c.State == "serving").Select(c => ((IPEndPoint)c.RemoteEndPoint).Address.ToString()).Order());
    }

    [Fact]
    public async Task A_proxied_client_over_the_limit_waits_in_the_waiting_room_as_itself()
    {
        var server = await StartServerAsync(Hocon("required", "max-connections = 1, over-limit = queue"));
        var first = await ProxiedAsync(server, V1("192.0.2.1"));
        await first.SendAsync("first\n", Within());
        Assert.Equal("192.0.2.1", await first.ReadLineAsync(Within()));
        await using var second = await ProxiedAsync(server, V1("192.0.2.2"));
        await second.SendAsync("waiting\n", Within());
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).Queued));
        var waiting = (await server.GetConnectionsAsync()).Single(c => c.State == "waiting");
        Assert.Equal("192.0.2.2", ((IPEndPoint)waiting.RemoteEndPoint).Address.ToString());
        await first.DisposeAsync();
        Assert.Equal("192.0.2.2", await second.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task The_header_comes_first_then_the_tls_handshake()
    {
        using var certificates = new TestCertificates();
        var (certificate, key, _) = certificates.Server("server");
        var server = await StartServerAsync(Hocon("required", $$"""tls { enabled = on, certificate = "{{certificate}}", key = "{{key}}" }"""));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndPoint, Within());
        await socket.SendAsync(ProxyHeaderParserTests.V2Tcp(IPEndPoint.Parse("198.51.100.9:5555"), IPEndPoint.Parse("10.0.0.1:443")), Within());
        await using var tls = new SslStream(new NetworkStream(socket));
        await tls.AuthenticateAsClientAsync(TlsLineClient.ClientOptions(certificates.Ca, "localhost"), Within());
        await tls.WriteAsync("over tls\n"u8.ToArray(), Within());
        using var reader = new StreamReader(tls);
        Assert.Equal("198.51.100.9", await reader.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task Resp_client_list_shows_the_client_address_from_the_header()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main { protocol = resp, proxy-protocol = required, trusted-proxies = ["127.0.0.1"] }
            """);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndPoint, Within());
        await socket.SendAsync(ProxyHeaderParserTests.V2Tcp(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("10.0.0.1:6379")), Within());
        await socket.SendAsync(RawRespClient.Encode(["CLIENT", "LIST"]), Within());
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        while (!reply.ToString().EndsWith("\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, Within());
            Assert.NotEqual(0, read);
            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        Assert.Contains("addr=203.0.113.7:40000", reply.ToString());
        Assert.Contains("laddr=10.0.0.1:6379", reply.ToString());
    }
}
