using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AkkaTcp.Configuration;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Datagrams;

/// <summary>UDP servers (transport = udp) over real loopback datagrams.</summary>
public sealed class UdpServerTests(ITestOutputHelper output) : ServerSpec(output)
{
    private Task<AkkaTcpServer> StartUdpServerAsync(string extra = "") => StartServerAsync($"""
        akka-tcp.servers.main.transport = udp
        {extra}
        """);

    [Fact]
    public async Task Echo_answers_each_datagram_with_itself()
    {
        var server = await StartUdpServerAsync();
        using var client = new DatagramClient(server.LocalEndPoint);

        await client.SendAsync("hello\n");
        Assert.Equal("hello\n", await client.ReceiveAsync(Within()));
        await client.SendAsync("no newline");
        Assert.Equal("no newline", await client.ReceiveAsync(Within()));

        var stats = await server.GetDatagramStatsAsync();
        Assert.Equal(2, stats.Received);
        Assert.Equal(2, stats.Replied);
    }

    [ToolFact(ExternalTools.Nc)]
    public async Task Echo_answers_nc()
    {
        var server = await StartUdpServerAsync();
        var nc = new ProcessStartInfo("nc", ["-u", "-w", "1", "127.0.0.1", server.LocalEndPoint.Port.ToString()])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(nc)!;
        await process.StandardInput.WriteAsync("over udp\n");
        await process.StandardInput.FlushAsync();

        Assert.Equal("over udp", await process.StandardOutput.ReadLineAsync(Within()));
        process.Kill();
    }

    [Fact]
    public async Task Random_answers_requests_at_least_as_large_as_its_reply_and_drops_the_rest_as_amplification()
    {
        var server = await StartUdpServerAsync("akka-tcp.servers.main.protocol = random");
        using var client = new DatagramClient(server.LocalEndPoint);

        await client.SendAsync("\n"); // 1 byte: a number would be up to 11, so it is dropped
        await client.SendAsync("1 6             \n"); // padded to 17 bytes
        var reply = await client.ReceiveAsync(Within());

        Assert.InRange(long.Parse(reply), 1, 6);
        Assert.EndsWith("\n", reply);
        var stats = await server.GetDatagramStatsAsync();
        Assert.Equal(1, stats.DroppedAmplification);
        Assert.Equal(1, stats.Replied);
    }

    [Fact]
    public async Task Max_reply_factor_allows_larger_replies_when_configured()
    {
        var server = await StartUdpServerAsync("""
            akka-tcp.servers.main.protocol = random
            akka-tcp.servers.main.udp.max-reply-factor = 16
            """);
        using var client = new DatagramClient(server.LocalEndPoint);

        await client.SendAsync("\n");

        Assert.InRange(long.Parse(await client.ReceiveAsync(Within())), 0, int.MaxValue);
    }

    [Fact]
    public async Task An_oversized_datagram_is_dropped_and_counted()
    {
        var server = await StartUdpServerAsync("akka-tcp.servers.main.udp.max-datagram-size = 100");
        using var client = new DatagramClient(server.LocalEndPoint);

        await client.SendAsync(new string('x', 101));
        await client.SendAsync(new string('y', 100));

        Assert.Equal(new string('y', 100), await client.ReceiveAsync(Within())); // the first reply is the second datagram's
        var stats = await server.GetDatagramStatsAsync();
        Assert.Equal(1, stats.DroppedTooLarge);
        Assert.Equal(1, stats.Replied);
    }

    [Fact]
    public async Task A_source_over_its_rate_is_dropped_while_another_source_is_served()
    {
        var server = await StartUdpServerAsync("akka-tcp.servers.main.udp.rate-limit-per-source = 10");
        using var flooder = new DatagramClient(server.LocalEndPoint);
        using var bystander = new DatagramClient(server.LocalEndPoint, "127.0.0.2");

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < 50; i++)
            await flooder.SendAsync($"{i}\n");
        await AwaitAssertAsync(async () => Assert.Equal(50, (await server.GetDatagramStatsAsync()).Received), Dilated(TimeSpan.FromSeconds(10)));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // A burst of 10, plus 10 a second for as long as they took to arrive.
        var stats = await server.GetDatagramStatsAsync();
        Assert.Equal(50, stats.Replied + stats.DroppedRateLimited);
        Assert.InRange(stats.Replied, 10, 10 + (int)Math.Ceiling(10 * elapsed));
        await bystander.SendAsync("me too\n");
        Assert.Equal("me too\n", await bystander.ReceiveAsync(Within()));
    }

    [Fact]
    public async Task A_flood_of_100k_datagrams_leaves_the_server_answering()
    {
        // A limit of 50 a second: the limiter is engaged even when a loaded machine's kernel drops
        // most of the flood before the server reads it (seen: 257 of 100,000 read).
        var server = await StartUdpServerAsync("akka-tcp.servers.main.udp.rate-limit-per-source = 50");
        using var flooder = new DatagramClient(server.LocalEndPoint);
        using var bystander = new DatagramClient(server.LocalEndPoint, "127.0.0.2");
        var datagram = new byte[64];
        Array.Fill(datagram, (byte)'f');

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < 100_000; i++)
            await flooder.SendAsync(datagram);

        // A datagram sent while the server's socket buffer is still full of the flood is lost in
        // the kernel, as UDP allows: the bystander retries, as a UDP client does.
        await UntilAnsweredAsync(bystander, "still there?\n");
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var stats = await server.GetDatagramStatsAsync();
        Output.WriteLine($"{stats} in {elapsed:0.00} s");
        Assert.True(stats.DroppedRateLimited > 0);
        Assert.Equal(stats.Received, stats.Replied + stats.DroppedRateLimited);
        // The bystander's reply, plus a burst of 50 and 50 a second for the flooder.
        Assert.InRange(stats.Replied, 1, 1 + 50 + (long)Math.Ceiling(50 * elapsed));
        // The flooder is served again once it stops.
        await UntilAnsweredAsync(flooder, "back\n");
    }

    /// <summary>Sends until the datagram is echoed (skipping replies to earlier datagrams), within the dilated 20 s.</summary>
    private Task UntilAnsweredAsync(DatagramClient client, string datagram) => AwaitAssertAsync(async () =>
    {
        await client.SendAsync(datagram);
        using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
        string reply;
        do
            reply = await client.ReceiveAsync(wait.Token);
        while (reply != datagram);
    }, Dilated(TimeSpan.FromSeconds(20)), TimeSpan.FromMilliseconds(10));

    [Fact]
    public async Task Stop_accepting_unbinds_the_port()
    {
        var port = ReusablePort.Next();
        var server = await StartUdpServerAsync($"akka-tcp.servers.main.port = {port}");

        await server.StopAcceptingAsync();

        // The port is free again: another socket can bind it.
        using var rebind = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rebind.Bind(new IPEndPoint(IPAddress.Loopback, port));
        Assert.Equal(0, (await server.DrainAsync()).Drained);
        Assert.Equal(0, (await server.UnbindAsync()).Cut);
    }

    /// <summary>As a TCP server does, a UDP server starts again on its port at once after a stop, while processes start.</summary>
    [Fact]
    public async Task A_port_starts_again_at_once_after_a_stop_while_processes_start()
    {
        using var storm = new ProcessStorm();
        var port = ReusablePort.Next();
        for (var i = 0; i < 40; i++)
        {
            var server = await StartUdpServerAsync($"akka-tcp.servers.main.port = {port}");
            using (var client = new DatagramClient(server.LocalEndPoint))
            {
                await client.SendAsync($"round {i}\n");
                Assert.Equal($"round {i}\n", await client.ReceiveAsync(Within()));
            }
            await server.StopAsync().WaitAsync(Within());
        }
        Assert.True(await storm.StopAsync() > 0, "no process started while the port closed and opened again");
    }

    [Fact]
    public void A_protocol_that_cannot_serve_udp_is_a_config_error()
    {
        var error = Assert.Throws<InvalidConfigException>(() => LoadSettings("""
            akka-tcp.servers.main { transport = udp, protocol = resp }
            """));
        Assert.Equal("akka-tcp.servers.main.protocol = resp: this protocol cannot serve udp (echo and random can)", error.Message);
    }

    [Fact]
    public async Task Each_datagram_gets_a_handler_of_its_own_source()
    {
        var server = await StartUdpServerAsync("""
            akka-tcp.protocols.source-echo = "AkkaTcp.Tests.Protocols.SourceEchoProtocol, AkkaTcp.Tests"
            akka-tcp.servers.main.protocol = source-echo
            """);
        using var first = new DatagramClient(server.LocalEndPoint);
        using var second = new DatagramClient(server.LocalEndPoint, "127.0.0.2");
        await first.SendAsync("which address am I?\n"); // longer than the reply: max-reply-factor is 1
        Assert.Equal("127.0.0.1\n", await first.ReceiveAsync(Within()));
        await second.SendAsync("which address am I?\n");
        Assert.Equal("127.0.0.2\n", await second.ReceiveAsync(Within()));
    }
}
