using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Connections;

/// <summary>The echo server as a client sees it, over real loopback sockets.</summary>
public sealed class EchoOverLoopbackTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Lines_split_at_every_byte_boundary_are_echoed_whole()
    {
        var server = await StartServerAsync();
        var payload = "first line\r\nsecond\n";
        for (var split = 1; split < payload.Length; split++)
        {
            await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
            await client.SendAsync(payload[..split], Within());
            await client.SendAsync(payload[split..], Within());
            Assert.Equal("first line", await client.ReadLineAsync(Within()));
            Assert.Equal("second", await client.ReadLineAsync(Within()));
        }
    }

    [Fact]
    public async Task A_line_sent_one_byte_at_a_time_is_echoed_once_whole()
    {
        var server = await StartServerAsync();
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        foreach (var b in Encoding.ASCII.GetBytes("byte by byte\n"))
            await client.SendAsync(new[] { b }, Within());
        Assert.Equal("byte by byte", await client.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task Ten_thousand_lines_in_one_burst_get_ten_thousand_replies_in_order()
    {
        var server = await StartServerAsync();
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        var burst = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
            burst.Append("line ").Append(i).Append('\n');
        var expected = Encoding.ASCII.GetBytes(burst.ToString());

        var reading = client.ReadBytesAsync(expected.Length, Within(60));
        await client.SendAsync(expected, Within(60));
        Assert.Equal(expected, await reading);
    }

    [Fact]
    public async Task Two_hundred_concurrent_clients_each_get_their_own_two_hundred_lines_back()
    {
        var server = await StartServerAsync();
        var clients = Enumerable.Range(0, 200).Select(async n =>
        {
            await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(60));
            var sent = new StringBuilder();
            for (var i = 0; i < 200; i++)
                sent.Append("client ").Append(n).Append(" line ").Append(i).Append(' ').Append('x', n % 50).Append('\n');
            var expected = Encoding.ASCII.GetBytes(sent.ToString());
            var reading = client.ReadBytesAsync(expected.Length, Within(60));
            // Sent in uneven pieces so that lines straddle segments.
            for (var offset = 0; offset < expected.Length; offset += 997)
                await client.SendAsync(expected.AsMemory(offset, Math.Min(997, expected.Length - offset)), Within(60));
            return (expected, actual: await reading);
        });
        foreach (var (expected, actual) in await Task.WhenAll(clients))
            Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task A_client_that_closes_its_side_still_gets_every_reply_then_a_clean_close()
    {
        var server = await StartServerAsync();
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("one\ntwo\nthree\n", Within());
        client.ShutdownSend();
        var (rest, clean) = await client.ReadToEndAsync(Within());
        Assert.Equal("one\ntwo\nthree\n", Encoding.ASCII.GetString(rest));
        Assert.True(clean, "the server should close with FIN, not reset");
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).ClosedWith(CloseReason.PeerClosed)));
    }

    [Fact]
    public async Task An_oversized_line_gets_an_error_and_a_close_while_other_clients_continue()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.max-frame-size = 1k");
        await using var bystander = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await bystander.SendAsync("before\n", Within());
        Assert.Equal("before", await bystander.ReadLineAsync(Within()));

        await using var offender = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await offender.SendAsync("fine\n" + new string('x', 5000) + "\nafter\n", Within());
        Assert.Equal("fine", await offender.ReadLineAsync(Within()));
        Assert.Equal("ERR line too long (max-frame-size is 1024 bytes)", await offender.ReadLineAsync(Within()));
        var (rest, clean) = await offender.ReadToEndAsync(Within());
        Assert.Empty(rest);
        Assert.True(clean, "the error reply must not be lost to a reset");

        await bystander.SendAsync("still here\n", Within());
        Assert.Equal("still here", await bystander.ReadLineAsync(Within()));
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).ClosedWith(CloseReason.FrameTooLarge)));
    }

    [Fact]
    public async Task A_line_at_exactly_max_frame_size_is_echoed()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.max-frame-size = 100");
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        var line = new string('y', 100);
        await client.SendAsync(line + "\r\n", Within());
        Assert.Equal(line, await client.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_configured_delimiter_frames_the_stream()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.line-delimiter = \";\"");
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("a;b;", Within());
        Assert.Equal("a;b;", Encoding.ASCII.GetString(await client.ReadBytesAsync(4, Within())));
    }
}
