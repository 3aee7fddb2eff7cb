using System.Diagnostics;
using System.Net.Sockets;

namespace AkkaTcp.Bench;

/// <summary>
/// One raw-socket connection's load: keeps --pipeline requests of its workload in flight, checks
/// the reply stream byte for byte against what each request must get back, and sends the next
/// requests for the replies completed by each read in one write.
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
        await SendAsync(socket, outgoing, options.Pipeline);
        var matched = 0; // bytes of the oldest in-flight request's reply matched so far
        try
        {
            while (_inFlight.Count > 0)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, stop);
                if (read == 0)
                    throw new IOException("the server closed the connection");
                var completed = 0;
                for (var i = 0; i < read; i++)
                {
                    if (_inFlight.Count == 0)
                        throw new IOException("a reply came for no request");
                    var (step, sentAt) = _inFlight.Peek();
                    var expected = workload.Replies[step];
                    if (buffer[i] != expected[matched])
                        throw new IOException("a reply did not match its request");
                    if (++matched < expected.Length)
                        continue;
                    matched = 0;
                    _inFlight.Dequeue();
                    run.OnReply(sentAt);
                    completed++;
                }
                if (completed > 0 && !stop.IsCancellationRequested)
                    await SendAsync(socket, outgoing, completed);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            run.OnError();
            Console.Error.WriteLine($"akka-tcp-bench: connection failed: {e.Message}");
        }
    }

    private async Task SendAsync(Socket socket, MemoryStream outgoing, int requests)
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
        if (outgoing.Length > 0)
            await socket.SendAsync(outgoing.GetBuffer().AsMemory(0, (int)outgoing.Length), SocketFlags.None);
    }
}
