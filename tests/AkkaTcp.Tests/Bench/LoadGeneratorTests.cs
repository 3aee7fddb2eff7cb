using System.Net;
using System.Net.Sockets;
using AkkaTcp.Bench;
using Xunit;

namespace AkkaTcp.Tests.Bench;

/// <summary>
/// The load generator's reply check, against a loopback server that answers in pieces of 1 to 7
/// bytes (so a reply may span reads and several may end in one read): every reply is matched and
/// recorded exactly once, and a wrong byte fails the connection.
/// </summary>
public sealed class LoadGeneratorTests
{
    private const int Requests = 2_000;
    private const int Payload = 32;

    [Fact]
    public async Task Replies_in_pieces_are_each_matched_and_recorded_once()
    {
        var run = await RunAgainstAsync(PieceServer.Answer.Echo);
        Assert.Equal(0, run.Errors);
        Assert.Equal(Requests, run.Measured);
        Assert.Equal(Requests, run.Latency.GetIntervalHistogram().TotalCount);
    }

    [Fact]
    public async Task A_wrong_byte_fails_the_connection()
    {
        var run = await RunAgainstAsync(PieceServer.Answer.OneWrongByte);
        Assert.Equal(1, run.Errors);
        Assert.Equal(PieceServer.WrongByteAt / Payload, run.Measured); // every reply before the wrong one counted
    }

    private static async Task<RunState> RunAgainstAsync(PieceServer.Answer answer)
    {
        await using var server = PieceServer.Start(answer);
        var run = new RunState(Requests);
        run.StartMeasuring();
        var options = new BenchOptions { Target = server.EndPoint, Pipeline = 16, Payload = Payload, Connections = 1 };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await new ScriptedLoad(options, Workload.For("echo", Payload, 0), run).RunAsync(deadline.Token);
        Assert.False(deadline.IsCancellationRequested, "the load did not finish within 30 s");
        return run;
    }

    /// <summary>One connection's server: echoes what it reads back in pieces of 1 to 7 bytes, changed as <see cref="Answer"/> says.</summary>
    private sealed class PieceServer : IAsyncDisposable
    {
        public const int WrongByteAt = 1_000 * Payload + 5;

        public enum Answer { Echo, OneWrongByte }

        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _serving = Task.CompletedTask;

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

        public static PieceServer Start(Answer answer)
        {
            var server = new PieceServer();
            server._listener.Start();
            server._serving = server.ServeAsync(answer);
            return server;
        }

        private async Task ServeAsync(Answer answer)
        {
            using var socket = await _listener.AcceptSocketAsync(_stop.Token);
            socket.NoDelay = true;
            var random = new Random(19);
            var buffer = new byte[4096];
            long echoed = 0;
            try
            {
                while (true)
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                        return;
                    if (answer == Answer.OneWrongByte && echoed <= WrongByteAt && WrongByteAt < echoed + read)
                        buffer[(int)(WrongByteAt - echoed)] ^= 1;
                    echoed += read;
                    for (var sent = 0; sent < read;)
                    {
                        var piece = Math.Min(random.Next(1, 8), read - sent);
                        sent += await socket.SendAsync(buffer.AsMemory(sent, piece), SocketFlags.None, _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // the load closed the connection after an error, or the test is over
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }
    }
}
