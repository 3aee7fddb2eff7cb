using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;

namespace AkkaTcp.Bench;

/// <summary>
/// One raw-socket connection's load: keeps --pipeline requests of its workload in flight, checks
/// the reply stream byte for byte against what each request must get back, and sends the next
/// requests for the replies completed by each read in one write. With --tls, the same over SslStream.
/// </summary>
internal sealed class ScriptedLoad(BenchOptions options, Workload workload, RunState run)
{
    private readonly Queue<(int Step, long SentAt)> _inFlight = new();
    private int _nextStep;

    public async Task RunAsync(CancellationToken stop)
    {
        using var socket = new Socket(options.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(options.Target, stop);
        }
        catch (SocketException)
        {
            run.OnConnectionFailed();
            return;
        }
        var buffer = new byte[64 * 1024];
        var outgoing = new MemoryStream();
        var matched = 0; // bytes of the oldest in-flight request's reply matched so far
        SslStream? tls = null;
        try
        {
            if (options.Tls)
                tls = await HandshakeLoad.AuthenticateAsync(socket, resume: true, stop);
            await SendAsync(socket, tls, outgoing, options.Pipeline);
            while (_inFlight.Count > 0)
            {
                var read = tls is null ? await socket.ReceiveAsync(buffer, SocketFlags.None, stop) : await tls.ReadAsync(buffer, stop);
                if (read == 0)
                    throw new IOException("the server closed the connection");
                var completed = 0;
                var readAt = Stopwatch.GetTimestamp();
                long batchSentAt = 0;
                var batch = 0; // completed replies to requests sent together, not yet recorded
                try
                {
                    for (var i = 0; i < read;)
                    {
                        if (_inFlight.Count == 0)
                            throw new IOException("a reply came for no request");
                        var (step, sentAt) = _inFlight.Peek();
                        var expected = workload.Replies[step];
                        var n = Math.Min(expected.Length - matched, read - i);
                        if (!buffer.AsSpan(i, n).SequenceEqual(expected.AsSpan(matched, n)))
                            throw new IOException("a reply did not match its request");
                        i += n;
                        matched += n;
                        if (matched < expected.Length)
                            continue;
                        matched = 0;
                        _inFlight.Dequeue();
                        completed++;
                        if (batch > 0 && sentAt != batchSentAt)
                        {
                            run.OnReplies(batchSentAt, batch, readAt);
                            batch = 0;
                        }
                        batchSentAt = sentAt;
                        batch++;
                    }
                }
                finally
                {
                    // Also when a later byte of the read fails: the replies matched before it count.
                    if (batch > 0)
                        run.OnReplies(batchSentAt, batch, readAt);
                }
                if (completed > 0 && !stop.IsCancellationRequested)
                    await SendAsync(socket, tls, outgoing, completed);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
            run.OnError();
            Console.Error.WriteLine($"akka-tcp-bench: connection failed: {e.Message}");
        }
        finally
        {
            tls?.Dispose();
        }
    }

    private async Task SendAsync(Socket socket, SslStream? tls, MemoryStream outgoing, int requests)
    {
        outgoing.SetLength(0);
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests && run.TryTakeRequest(); i++)
        {
            var step = _nextStep;
            _nextStep = (_nextStep + 1) % workload.Requests.Length;
            outgoing.Write(workload.Requests[step]);
            _inFlight.Enqueue((step, now));
        }
        if (outgoing.Length == 0)
            return;
        var bytes = outgoing.GetBuffer().AsMemory(0, (int)outgoing.Length);
        if (tls is null)
            await socket.SendAsync(bytes, SocketFlags.None);
        else
            await tls.WriteAsync(bytes);
    }
}
