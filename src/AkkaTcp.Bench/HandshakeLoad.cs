using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;

namespace AkkaTcp.Bench;

/// <summary>
/// New TLS connections, one after another on each of --connections loops: connect, a full
/// handshake (session resumption off, so every one costs the server its key exchange), one echo
/// line checked, close. A "reply" is one whole cycle, so req/s is handshakes per second.
/// </summary>
internal sealed class HandshakeLoad(BenchOptions options, Workload workload, RunState run)
{
    public async Task RunAsync(CancellationToken stop)
    {
        var line = workload.Requests[0];
        var buffer = new byte[line.Length];
        while (!stop.IsCancellationRequested && run.TryTakeRequest())
        {
            var startedAt = Stopwatch.GetTimestamp();
            try
            {
                using var socket = new Socket(options.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(options.Target, stop);
                await using var tls = await AuthenticateAsync(socket, resume: false, stop);
                await tls.WriteAsync(line, stop);
                await tls.ReadExactlyAsync(buffer, stop);
                if (!buffer.AsSpan().SequenceEqual(line))
                    throw new IOException("a reply did not match its request");
                run.OnReply(startedAt);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException)
            {
                run.OnError();
                Console.Error.WriteLine($"akka-tcp-bench: handshake cycle failed: {e.Message}");
            }
        }
    }

    /// <summary>A client handshake over <paramref name="socket"/> that accepts any certificate (a loopback benchmark, not a security check).</summary>
    public static async Task<SslStream> AuthenticateAsync(Socket socket, bool resume, CancellationToken stop)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            AllowTlsResume = resume,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }, stop);
        return tls;
    }
}
