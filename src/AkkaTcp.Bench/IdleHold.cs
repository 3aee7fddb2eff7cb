using System.Net.Sockets;

namespace AkkaTcp.Bench;

/// <summary>
/// --idle N --hold S: opens N echo connections (at --connect-rate; with --tls, each with its
/// handshake), checks each answers one line, holds them all silent for S seconds (while a script
/// reads the server's memory), then checks each still answers. Reports how many were opened,
/// held and answered.
/// </summary>
internal static class IdleHold
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var connections = new List<(Socket Socket, Stream Stream)>(options.Idle);
        var ping = "idle\n"u8.ToArray();
        var failedToOpen = 0;
        var delay = options.ConnectRate > 0 ? TimeSpan.FromSeconds(1.0 / options.ConnectRate) : TimeSpan.Zero;
        for (var i = 0; i < options.Idle; i++)
        {
            var socket = new Socket(options.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(options.Target);
                Stream stream = options.Tls
                    ? await HandshakeLoad.AuthenticateAsync(socket, resume: true, CancellationToken.None)
                    : new NetworkStream(socket, ownsSocket: false);
                connections.Add((socket, stream));
            }
            catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
            {
                socket.Dispose();
                failedToOpen++;
            }
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay); // pacing the connects, as asked
        }
        var answeredAtOpen = await CountAnsweringAsync(connections, ping);
        Console.WriteLine($"holding {connections.Count} connections ({answeredAtOpen} answered, {failedToOpen} failed to open) for {options.Hold.TotalSeconds:0} s");
        await Task.Delay(options.Hold); // the hold is the measurement
        var answeredAfter = await CountAnsweringAsync(connections, ping);
        Console.WriteLine($"after {options.Hold.TotalSeconds:0} s idle: {answeredAfter} of {connections.Count} still answer");
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
        {
            idle = options.Idle,
            tls = options.Tls,
            opened = connections.Count,
            failedToOpen,
            answeredAtOpen,
            answeredAfterHold = answeredAfter,
            holdSeconds = options.Hold.TotalSeconds,
        }));
        foreach (var (socket, stream) in connections)
        {
            stream.Dispose();
            socket.Dispose();
        }
        return failedToOpen == 0 && answeredAfter == options.Idle ? 0 : 1;
    }

    /// <summary>Sends one line on every connection (in batches, to bound the work in flight) and counts the echoes.</summary>
    private static async Task<int> CountAnsweringAsync(List<(Socket Socket, Stream Stream)> connections, byte[] ping)
    {
        var answered = 0;
        foreach (var batch in connections.Chunk(500))
        {
            var results = await Task.WhenAll(batch.Select(async connection =>
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await connection.Stream.WriteAsync(ping, timeout.Token);
                    var reply = new byte[ping.Length];
                    await connection.Stream.ReadExactlyAsync(reply, timeout.Token);
                    return reply.AsSpan().SequenceEqual(ping);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
                {
                    return false;
                }
            }));
            answered += results.Count(ok => ok);
        }
        return answered;
    }
}
