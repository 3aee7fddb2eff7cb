using System.Diagnostics;
using System.Net;

namespace AkkaTcp.Tests.Support;

/// <summary>A real redis-server on a free loopback port, without persistence, stopped when disposed.</summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServerProcess(Process process, int port)
    {
        _process = process;
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<RedisServerProcess> StartAsync(Func<CancellationToken> within)
    {
        var port = ReusablePort.Next();
        var info = new ProcessStartInfo("redis-server", ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start redis-server (apt-get install redis-server)");
        var server = new RedisServerProcess(process, port);
        while (true)
        {
            try
            {
                await using var probe = await RawRespClient.ConnectAsync(server.EndPoint, within());
                if (await probe.AskAsync(within(), "PING") == "+PONG\r\n")
                    return server;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50, within()); // not listening yet
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
