using System.Net;
using AkkaTcp.Tests.Support;
using Xunit;

namespace AkkaTcp.Tests.Host;

/// <summary>
/// In the console host a connection's second request is read on the socket engine's thread, in
/// the batch DeferredReads resumes, and answered there by the inline executor: QUIT's "+OK" must
/// still reach the client before the close that follows it, for every client of a crowd.
/// </summary>
public sealed class ReplyBeforeCloseHostTests
{
    private const int Clients = 200;

    private static CancellationToken Within(double seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Every_client_of_a_crowd_reads_the_reply_to_QUIT_before_the_close()
    {
        await using var host = HostProcess.Start("--protocol", "resp", "--port", "0");
        var endPoint = await host.WaitUntilListeningAsync(Within());
        for (var wave = 0; wave < 4; wave++)
            await Task.WhenAll(Enumerable.Range(0, Clients / 4).Select(_ => PingThenQuitAsync(endPoint)));
    }

    private static async Task PingThenQuitAsync(IPEndPoint endPoint)
    {
        await using var client = await RawRespClient.ConnectAsync(endPoint, Within());
        Assert.Equal("+PONG\r\n", await client.AskAsync(Within(), "PING"));
        Assert.Equal("+OK\r\n", await client.AskAsync(Within(), "QUIT"));
        Assert.True(await client.IsClosedAsync(Within()));
    }
}
