using System.Net.Sockets;
using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Limits;

/// <summary>Idle, handshake, write and heartbeat timeouts, and slow readers, over loopback.</summary>
public sealed class TimeoutTests(ITestOutputHelper output) : ServerSpec(output)
{
    /// <summary>A fresh well-behaved client talks until <paramref name="until"/> completes; returns its round trips.</summary>
    private async Task<int> KeepTalkingAsync(AkkaTcpServer server, Task until)
    {
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        return await client.KeepTalkingAsync(until, () => Within());
    }

    private Task AwaitClosedWithAsync(AkkaTcpServer server, CloseReason reason, long count = 1) =>
        AwaitAssertAsync(async () =>
        {
            var stats = await server.GetStatsAsync();
            Assert.True(count == stats.ClosedWith(reason), $"expected {count} closed as {reason.Name()}; closed so far: {string.Join(", ", stats.ClosedByReason.Select(p => $"{p.Key.Name()} {p.Value}"))}, active {stats.Active}");
        }, Dilated(TimeSpan.FromSeconds(15)));

    // Timeouts here are generous next to the talker's 50 ms pace: client and server share this
    // process, and on a loaded machine both can stall for a few hundred milliseconds at once.
    [Fact]
    public async Task A_silent_client_is_closed_as_idle_while_a_talking_one_stays()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main { idle-timeout = 1500ms, handshake-timeout = 0 }
            """);
        await using var silent = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await silent.SendAsync("then silence\n", Within());
        Assert.Equal("then silence", await silent.ReadLineAsync(Within()));

        var closed = silent.ReadToEndAsync(Within());
        // Several round trips across the silent one's idle window (about 30 on an idle machine;
        // a test running alongside can stall this process for a while).
        Assert.True(await KeepTalkingAsync(server, closed) > 2);
        var (rest, clean) = await closed;
        Assert.Empty(rest);
        Assert.True(clean);
        await AwaitClosedWithAsync(server, CloseReason.Idle);
    }

    [Fact]
    public async Task A_client_without_a_complete_first_frame_is_closed_at_the_handshake_timeout()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main { handshake-timeout = 500ms, idle-timeout = 0 }
            """);
        await using var framed = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await framed.SendAsync("hello\n", Within());
        Assert.Equal("hello", await framed.ReadLineAsync(Within()));

        await using var partial = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await partial.SendAsync("no newline yet", Within());
        var (rest, clean) = await partial.ReadToEndAsync(Within());
        Assert.Empty(rest);
        Assert.True(clean);
        await AwaitClosedWithAsync(server, CloseReason.Handshake);

        // The framed client passed its handshake and is not closed by that timer.
        await framed.SendAsync("later\n", Within());
        Assert.Equal("later", await framed.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_write_that_the_client_never_reads_is_reset_at_the_write_timeout()
    {
        // Small kernel buffers on both sides, and less than the high-water mark sent: the server's
        // write stalls while it is not applying backpressure, which is a write timeout.
        var server = await StartServerAsync("""
            akka-tcp.servers.main { write-timeout = 500ms, send-buffer-size = 4k, idle-timeout = 0 }
            """);
        await using var stalled = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), receiveBufferSize: 4096);
        var line = new string('w', 99) + "\n";
        var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, 2000))); // 200 KB < 256 KB
        await stalled.SendAsync(lines, Within());

        await KeepTalkingAsync(server, AwaitClosedWithAsync(server, CloseReason.WriteTimeout));
        Assert.Equal(0, (await server.GetStatsAsync()).ClosedWith(CloseReason.SlowReader));
    }

    [Fact]
    public async Task A_client_that_floods_without_reading_is_cut_as_a_slow_reader_and_others_are_served_throughout()
    {
        // A low high-water mark: reading stops after a few 4 KiB reads, so the cut comes as
        // slow-reader (reading held back) even when a loaded machine reads slowly.
        var server = await StartServerAsync("""
            akka-tcp.servers.main { write-timeout = 1s, idle-timeout = 0, write-high-water-mark = 16k, write-low-water-mark = 4k }
            """);
        await using var flooder = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), receiveBufferSize: 4096);
        var request = Encoding.ASCII.GetBytes(new string('f', 99) + "\n");
        var flood = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 100_000; i++)
                    await flooder.SendAsync(request, Within(60));
            }
            catch (SocketException)
            {
                // Reset by the server: expected once it gives up on this client.
            }
        });

        var trips = await KeepTalkingAsync(server, AwaitClosedWithAsync(server, CloseReason.SlowReader));
        Assert.True(trips > 5, $"the well-behaved client made only {trips} round trips");
        await flood;
    }

    [Fact]
    public async Task Heartbeats_ping_a_silent_client_keep_an_answering_one_and_close_a_mute_one()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main {
              heartbeat { interval = 500ms, misses = 3 }
              idle-timeout = 0
              handshake-timeout = 0
            }
            """);
        await using var mute = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await using var answering = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

        var muteClosed = mute.ReadToEndAsync(Within());
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("PING", await answering.ReadLineAsync(Within()));
            await answering.SendAsync("PONG\n", Within());
        }
        // Still open after five pings; PONG answers are not echoed, other lines are. Sent right
        // after the last PONG: a client that stops answering (the test, waiting on a loaded
        // machine) would be closed as mute after three more pings.
        await answering.SendAsync("hello\n", Within());
        string? line;
        while ((line = await answering.ReadLineAsync(Within())) == "PING")
        {
        }
        Assert.Equal("hello", line);

        var (pings, clean) = await muteClosed;
        Assert.Equal("PING\nPING\nPING\n", Encoding.ASCII.GetString(pings));
        Assert.True(clean);
        await AwaitClosedWithAsync(server, CloseReason.Heartbeat);
    }
}
