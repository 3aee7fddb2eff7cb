using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AkkaTcp.Client;
using AkkaTcp.Configuration;
using AkkaTcp.Listening;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Limits;

/// <summary>Keepalive, no-delay and buffer sizes on accepted sockets.</summary>
public sealed class SocketOptionsTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task The_options_set_after_accept_are_read_back_from_the_socket()
    {
        var settings = new SocketSettings(KeepAlive: true, KeepAliveTime: TimeSpan.FromSeconds(42), KeepAliveInterval: TimeSpan.FromSeconds(7),
            KeepAliveCount: 4, NoDelay: false, ReceiveBufferSize: 32 * 1024, SendBufferSize: 16 * 1024);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var accepted = await listener.AcceptAsync();

        new SocketSettingsOption(settings).AfterConnect(accepted);

        Assert.Equal(1, (int)accepted.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(42, (int)accepted.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(7, (int)accepted.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(4, (int)accepted.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
        Assert.False(accepted.NoDelay);
        // Linux doubles what is asked for, to leave room for its bookkeeping.
        Assert.InRange(accepted.ReceiveBufferSize, 32 * 1024, 2 * 32 * 1024);
        Assert.InRange(accepted.SendBufferSize, 16 * 1024, 2 * 16 * 1024);
    }

    [ToolFact(ExternalTools.Ss)]
    public async Task The_server_runs_keepalive_timers_on_the_sockets_it_accepts()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main.keepalive { time = 45s, interval = 5s, count = 3 }
            """);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("hi\n", Within());
        Assert.Equal("hi", await client.ReadLineAsync(Within()));

        // The kernel's view of the server's end: "timer:(keepalive,44sec,0)".
        var table = await SocketsAsync(server.LocalEndPoint.Port);
        Assert.Matches(@"timer:\(keepalive,4[0-5]sec,0\)", table);
    }

    [ToolFact(ExternalTools.Ss)]
    public async Task Keepalive_off_leaves_no_keepalive_timer()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.keepalive.enabled = off");
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("hi\n", Within());
        Assert.Equal("hi", await client.ReadLineAsync(Within()));
        var table = await SocketsAsync(server.LocalEndPoint.Port);
        Assert.Contains(server.LocalEndPoint.Port.ToString(), table);
        Assert.DoesNotContain("keepalive", table);
    }

    [ToolFact(ExternalTools.Ss)]
    public async Task The_client_runs_keepalive_timers_on_the_sockets_it_dials()
    {
        var server = await StartServerAsync();
        var settings = ClientSettings.Default with
        {
            Socket = ClientSettings.Default.Socket with { KeepAliveTime = TimeSpan.FromSeconds(33), KeepAliveInterval = TimeSpan.FromSeconds(4) },
        };
        await using var connection = await ClientConnection<string, string>.ConnectAsync(server.LocalEndPoint, new LineClientProtocol(), settings, Sys, Within());
        Assert.Equal("hi", await connection.SendAsync("hi", Within()));

        // The kernel's view of the client's end: "timer:(keepalive,32sec,0)".
        var table = await SocketsAsync(((IPEndPoint)connection.LocalEndPoint!).Port);
        Assert.Matches(@"timer:\(keepalive,(3[0-3]|29)sec,0\)", table);
    }

    /// <summary>What `ss` (iproute2) lists for the established sockets with this local port, with timers.</summary>
    private async Task<string> SocketsAsync(int port)
    {
        var info = new ProcessStartInfo("ss", ["-tno", "state", "established", $"( sport = :{port} )"])
        {
            RedirectStandardOutput = true,
        };
        using var ss = Process.Start(info) ?? throw new InvalidOperationException("cannot start ss (apt-get install iproute2)");
        var table = await ss.StandardOutput.ReadToEndAsync(Within());
        await ss.WaitForExitAsync(Within());
        return table;
    }
}
