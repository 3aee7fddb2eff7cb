using System.Net;
using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Faults;

/// <summary>
/// The client's FIN crossing our last reply and our close, run hundreds of times: every graceful
/// close must end in a FIN. close-timeout is long, so a close that never sends its FIN shows up as
/// a reset after it (or as the test's own timeout), not as a pass.
/// </summary>
public sealed class CloseRaceTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const int Clients = 16;
    private const int Rounds = 25;
    private const string LongCloseTimeout = "akka-tcp.servers.main.close-timeout = 60s\n";

    /// <summary>Runs <paramref name="session"/> for 16 concurrent clients, 25 rounds: 400 closes.</summary>
    private async Task RaceAsync(IPEndPoint server, Func<RawLineClient, Task> session)
    {
        for (var round = 0; round < Rounds; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
            {
                await using var client = await RawLineClient.ConnectAsync(server, Within());
                await session(client);
                client.ShutdownSend();
                var (rest, clean) = await client.ReadToEndAsync(Within(20));
                Assert.Empty(rest);
                Assert.True(clean, $"round {round}: the close ended in a reset, not a FIN");
            }));
        }
    }

    [Fact]
    public async Task A_line_over_max_frame_size_gets_its_error_and_a_FIN_in_every_interleaving()
    {
        var server = await StartServerAsync(LongCloseTimeout);
        var tooLong = Encoding.ASCII.GetBytes(new string('x', 70_000) + "\n");
        await RaceAsync(server.LocalEndPoint, async client =>
        {
            await client.SendAsync(tooLong, Within());
            Assert.StartsWith("ERR line too long", await client.ReadLineAsync(Within()));
        });
    }

    [Fact]
    public async Task Resp_QUIT_then_the_clients_FIN_ends_in_a_FIN_every_time()
    {
        var server = await StartServerAsync(LongCloseTimeout + "akka-tcp.servers.main.protocol = resp");
        await RaceAsync(server.LocalEndPoint, async client =>
        {
            await client.SendAsync("*1\r\n$4\r\nQUIT\r\n", Within());
            Assert.Equal("+OK\r", await client.ReadLineAsync(Within()));
        });
    }

    [Fact]
    public async Task File_QUIT_then_the_clients_FIN_ends_in_a_FIN_every_time()
    {
        var root = Directory.CreateTempSubdirectory("akka-tcp-race-").FullName;
        try
        {
            var server = await StartServerAsync(LongCloseTimeout + $"akka-tcp.servers.main {{ protocol = file, file.root = \"{root}\" }}");
            await RaceAsync(server.LocalEndPoint, async client =>
            {
                await client.SendAsync("QUIT\n", Within());
                Assert.Equal("OK bye", await client.ReadLineAsync(Within()));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task After_a_protocol_error_the_client_reaches_EOF_while_it_keeps_sending()
    {
        var server = await StartServerAsync(LongCloseTimeout + "akka-tcp.servers.main.protocol = resp");
        for (var i = 0; i < 20; i++)
        {
            await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
            await client.SendAsync("*x\r\n", Within());
            using var stop = new CancellationTokenSource();
            var sending = Task.Run(async () =>
            {
                var pings = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("PING\r\n", 700)));
                try
                {
                    while (!stop.IsCancellationRequested)
                        await client.SendAsync(pings, stop.Token); // a client that goes on talking
                }
                catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    // stopped, or the server closed
                }
            });
            Assert.Equal("-ERR Protocol error: invalid multibulk length\r", await client.ReadLineAsync(Within()));
            Assert.Null(await client.ReadLineAsync(Within(10))); // EOF long before close-timeout (60 s)
            stop.Cancel();
            await sending;
        }
    }
}
