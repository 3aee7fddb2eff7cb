using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;

namespace AkkaTcp.Tests.Shutdown;

/// <summary>Graceful shutdown of the console host by real signals, seen by real clients.</summary>
public sealed class HostShutdownTests
{
    private const int Clients = 50;
    private const int Pipelined = 100;

    private static CancellationToken Within(double seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>100 distinct 32-byte request lines for one client.</summary>
    private static byte[] Requests(int client) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, Pipelined).Select(i => $"client {client:D3} request {i:D3} ........\n")));

    /// <summary>Connects the clients and sends each its pipelined requests; waits until each has its first reply.</summary>
    private static async Task<List<(RawLineClient Client, byte[] Expected)>> LoadAsync(IPEndPoint server, int count = Clients)
    {
        var clients = new List<(RawLineClient, byte[])>();
        for (var i = 0; i < count; i++)
        {
            var client = await RawLineClient.ConnectAsync(server, Within());
            var requests = Requests(i);
            await client.SendAsync(requests, Within()); // one segment: read by the server as a whole
            clients.Add((client, requests));
        }
        return clients;
    }

    private static async Task AssertNeverServedAsync(IPEndPoint server)
    {
        try
        {
            await using var late = await RawLineClient.ConnectAsync(server, Within());
            await late.SendAsync("let me in\n", Within());
            var (rest, _) = await late.ReadToEndAsync(Within());
            Assert.Empty(rest);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
        {
            // the port is already closed: never served either
        }
    }

    [Fact]
    public async Task On_SIGTERM_every_owed_reply_is_delivered_then_a_clean_close_the_port_closes_and_the_exit_code_is_0()
    {
        await using var host = HostProcess.Start("--port", "0");
        var endPoint = await host.WaitUntilListeningAsync(Within());
        var clients = await LoadAsync(endPoint);
        foreach (var (client, expected) in clients)
            Assert.Equal(Encoding.ASCII.GetString(expected, 0, 32 - 1), await client.ReadLineAsync(Within())); // first reply

        host.Terminate();
        await host.WaitForLineAsync(l => l.Contains("Server main stopped accepting"), Within());
        await AssertNeverServedAsync(endPoint);

        foreach (var (client, expected) in clients)
        {
            var (rest, clean) = await client.ReadToEndAsync(Within());
            Assert.Equal(expected.AsSpan(32).ToArray(), rest); // the 99 replies after the first, byte for byte
            Assert.True(clean, "drained connections end with FIN, not a reset");
            await client.DisposeAsync();
        }

        Assert.Equal(0, await host.WaitForExitAsync(Within()));
        Assert.Contains(host.Output, l => l.Contains($"Shutdown: {Clients} connections drained, 0 cut"));
        var closed = await Assert.ThrowsAsync<SocketException>(() => RawLineClient.ConnectAsync(endPoint, Within()));
        Assert.Equal(SocketError.ConnectionRefused, closed.SocketErrorCode);
    }

    /// <summary>
    /// A host whose drain-timeout and close-timeout are far above the tests' waits (waiting for the
    /// clients' FINs would fail them), with 50 loaded clients that each have their first reply.
    /// </summary>
    private static async Task<(HostProcess Host, List<(RawLineClient Client, byte[] Expected)> Clients)> StartPatientHostWithClientsAsync()
    {
        var host = HostProcess.Start("--port", "0",
            "--set", "akka-tcp.servers.main.drain-timeout=60s", "--set", "akka-tcp.servers.main.close-timeout=60s");
        var clients = await LoadAsync(await host.WaitUntilListeningAsync(Within()));
        foreach (var (client, expected) in clients)
            Assert.Equal(Encoding.ASCII.GetString(expected, 0, 32 - 1), await client.ReadLineAsync(Within()));
        return (host, clients);
    }

    [Fact]
    public async Task Clients_that_read_to_EOF_and_hold_their_sockets_open_do_not_hold_the_shutdown()
    {
        var (host, clients) = await StartPatientHostWithClientsAsync();
        await using var _ = host;
        host.Terminate();
        await Task.WhenAll(clients.Select(async pair =>
        {
            var (rest, clean) = await pair.Client.ReadToEndAndHoldAsync(Within());
            Assert.Equal(pair.Expected.AsSpan(32).ToArray(), rest);
            Assert.True(clean);
        }));
        Assert.Equal(0, await host.WaitForExitAsync(Within(10)));
        Assert.Contains(host.Output, l => l.Contains($"Shutdown: {Clients} connections drained, 0 cut"));
        foreach (var (client, _) in clients)
            await client.DisposeAsync();
    }

    [Fact]
    public async Task Replies_read_only_after_the_host_has_exited_are_all_there_and_end_in_a_FIN()
    {
        // Once its replies are handed to the socket and its FIN sent, a connection is drained: the
        // process exits without waiting for the client, and nothing it owed is lost to a reset.
        var (host, clients) = await StartPatientHostWithClientsAsync();
        await using var _ = host;
        host.Terminate();
        Assert.Equal(0, await host.WaitForExitAsync(Within(10)));
        foreach (var (client, expected) in clients)
        {
            var (rest, clean) = await client.ReadToEndAsync(Within());
            Assert.Equal(expected.AsSpan(32).ToArray(), rest);
            Assert.True(clean, "a reply read after the exit ended in a reset");
            await client.DisposeAsync();
        }
        Assert.Contains(host.Output, l => l.Contains($"Shutdown: {Clients} connections drained, 0 cut"));
    }

    [Fact]
    public async Task A_client_that_never_reads_is_cut_at_drain_timeout_the_exit_code_says_so_and_the_others_got_everything()
    {
        // A 16 KiB send buffer: the kernel cannot take the non-reader's replies off our hands.
        await using var host = HostProcess.Start("--port", "0", "--set", "akka-tcp.servers.main.drain-timeout=3s",
            "--set", "akka-tcp.servers.main.send-buffer-size=16k");
        var endPoint = await host.WaitUntilListeningAsync(Within());
        var clients = await LoadAsync(endPoint, Clients - 1); // 49 readers ...
        await using var nonReader = await RawLineClient.ConnectAsync(endPoint, Within(), receiveBufferSize: 4096);
        var flood = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('n', 99) + "\n", 5000)));
        _ = nonReader.SendAsync(flood, Within()); // ... and one that never reads its 500 KB of replies

        foreach (var (client, expected) in clients)
            Assert.Equal(Encoding.ASCII.GetString(expected, 0, 32 - 1), await client.ReadLineAsync(Within()));
        host.Terminate();

        // All 49 read at once, as independent clients would, well within the drain-timeout.
        await Task.WhenAll(clients.Select(async pair =>
        {
            var (rest, clean) = await pair.Client.ReadToEndAsync(Within());
            Assert.Equal(pair.Expected.AsSpan(32).ToArray(), rest);
            Assert.True(clean);
            await pair.Client.DisposeAsync();
        }));
        Assert.Equal(4, await host.WaitForExitAsync(Within()));
        Assert.Contains(host.Output, l => l.Contains($"Shutdown: {Clients - 1} connections drained, 1 cut"));
    }

    [Fact]
    public async Task A_second_signal_during_the_drain_exits_at_once_with_code_5()
    {
        await using var host = HostProcess.Start("--port", "0", "--set", "akka-tcp.servers.main.drain-timeout=60s");
        var endPoint = await host.WaitUntilListeningAsync(Within());
        await using var nonReader = await RawLineClient.ConnectAsync(endPoint, Within(), receiveBufferSize: 4096);
        var flood = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('n', 99) + "\n", 5000)));
        _ = nonReader.SendAsync(flood, Within()); // keeps the drain waiting

        host.Terminate();
        await host.WaitForLineAsync(l => l.Contains("Server main stopped accepting"), Within());
        host.Terminate();
        Assert.Equal(5, await host.WaitForExitAsync(Within(20)));
    }
}
