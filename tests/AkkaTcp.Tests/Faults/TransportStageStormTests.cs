using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using AkkaTcp.Tests.Support;
using AkkaTcp.Tests.TransportStages;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Faults;

/// <summary>
/// Storms at the transport stages: hundreds of clients that reset mid-handshake, send garbage
/// after a good handshake, end with close_notify, or send PROXY headers cut short and reset.
/// Afterwards the server serves a well-behaved client, holds no connection, and logged no error
/// (a failure of one connection would log one).
/// </summary>
public sealed class TransportStageStormTests(ITestOutputHelper output) : ServerSpec(output), IDisposable
{
    private const int Clients = 16;
    private const int Rounds = 20;
    private readonly TestCertificates _certificates = new();
    private static readonly Random Random = new(1202);

    private string TlsHocon(string extra = "")
    {
        var (certificate, key, _) = _certificates.Server("server");
        return $$"""
            akka-tcp.servers.main { close-timeout = 5s, handshake-timeout = 5s, tls { enabled = on, certificate = "{{certificate}}", key = "{{key}}" } }
            {{extra}}
            """;
    }

    private async Task AssertHealthyAsync(AkkaTcpServer server, IPEndPoint target, Func<Task> check)
    {
        await check();
        await AwaitAssertAsync(async () => Assert.Equal(0, (await server.GetStatsAsync()).Active), Dilated(TimeSpan.FromSeconds(30)));
    }

    /// <summary>A probe that gets every Error logged from now on (a connection failure logs one).</summary>
    private Akka.TestKit.TestProbe ErrorLog()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(Akka.Event.Error));
        return probe;
    }

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        lock (Random)
            Random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>One misbehaving TLS client; which kind by <paramref name="kind"/>.</summary>
    private async Task MisbehaveAsync(IPEndPoint server, int kind)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, Within());
        switch (kind % 5)
        {
            case 0: // a ClientHello's first bytes, then a reset
                await socket.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0x01, 0x00, 0x01, 0x00 }, Within());
                break;
            case 1: // garbage instead of a handshake
                await socket.SendAsync(Garbage(300), Within());
                break;
            default:
                await using (var tls = new SslStream(new NetworkStream(socket, ownsSocket: false)))
                {
                    await tls.AuthenticateAsClientAsync(TlsLineClient.ClientOptions(_certificates.Ca, "localhost"), Within());
                    await tls.WriteAsync("hello\n"u8.ToArray(), Within());
                    if (kind % 5 == 2)
                    {
                        await socket.SendAsync(Garbage(200), Within()); // garbage records after a good handshake
                    }
                    else if (kind % 5 == 3)
                    {
                        await tls.ShutdownAsync(); // close_notify, then the FIN below
                        socket.Shutdown(SocketShutdown.Send);
                        var buffer = new byte[1024];
                        while (await socket.ReceiveAsync(buffer, Within()) > 0)
                        {
                        }
                        return;
                    }
                }
                break; // kind 4: a reset right after the request
        }
        socket.LingerState = new LingerOption(true, 0);
        socket.Close(); // reset
    }

    [Fact]
    public async Task Tls_clients_resetting_mid_handshake_sending_garbage_or_closing_harm_nobody()
    {
        var server = await StartServerAsync(TlsHocon());
        var errors = ErrorLog();
        {
            for (var round = 0; round < Rounds; round++)
                await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => MisbehaveAsync(server.LocalEndPoint, round * Clients + i)));
            await AssertHealthyAsync(server, server.LocalEndPoint, async () =>
            {
                await using var good = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
                await good.SendAsync("after the storm\n", Within());
                Assert.Equal("after the storm", await good.ReadLineAsync(Within()));
            });
        }
        errors.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        var stats = await server.GetStatsAsync();
        Assert.Equal(Rounds * Clients + 1, stats.Closed + stats.Active);
    }

    [Fact]
    public async Task Proxy_headers_cut_short_or_reset_in_pieces_harm_nobody()
    {
        var server = await StartServerAsync("""
            akka-tcp.protocols.source-echo = "AkkaTcp.Tests.Protocols.SourceEchoProtocol, AkkaTcp.Tests"
            akka-tcp.servers.main { protocol = source-echo, proxy-protocol = required, trusted-proxies = ["127.0.0.1/32"], handshake-timeout = 2s, close-timeout = 5s }
            """);
        var v2 = ProxyHeaderParserTests.V2Tcp(IPEndPoint.Parse("203.0.113.9:1000"), IPEndPoint.Parse("10.0.0.1:2000"));
        var v1 = Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.1 10.0.0.1 1000 2000\r\n");
        var errors = ErrorLog();
        {
            for (var round = 0; round < Rounds; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, Clients).Select(async i =>
                {
                    var header = i % 2 == 0 ? v1 : v2;
                    await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
                    var cut = 1 + (round * Clients + i) % (header.Length - 1);
                    await client.SendAsync(header.AsMemory(0, cut), Within());
                    if (i % 3 == 0)
                    {
                        await client.SendAsync(header.AsMemory(cut), Within());
                        await client.SendAsync("served\n", Within());
                        Assert.Equal(i % 2 == 0 ? "192.0.2.1" : "203.0.113.9", await client.ReadLineAsync(Within()));
                    }
                    client.Reset();
                }));
            }
            await AssertHealthyAsync(server, server.LocalEndPoint, async () =>
            {
                await using var good = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
                await good.SendAsync(v1.Concat("after\n"u8.ToArray()).ToArray(), Within());
                Assert.Equal("192.0.2.1", await good.ReadLineAsync(Within()));
            });
        }
        errors.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    public new void Dispose()
    {
        _certificates.Dispose();
        base.Dispose();
    }
}
