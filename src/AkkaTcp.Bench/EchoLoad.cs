using System.Diagnostics;
using System.Net.Sockets;
using HdrHistogram;

namespace AkkaTcp.Bench;

/// <summary>
/// One connection's load: keeps <c>pipeline</c> echo requests in flight, checks each reply against
/// its request, and records each request's latency (send to reply) once measuring has begun.
/// </summary>
internal sealed class EchoLoad : ILoad
{
    private readonly BenchOptions _options;
    private readonly byte[] _request;
    private readonly LongHistogram _latency = new(TimeStamp.Seconds(60), 3);
    private readonly Queue<long> _sentAt = new();

    public EchoLoad(BenchOptions options, int id)
    {
        _options = options;
        _request = new byte[options.Payload];
        for (var i = 0; i < _request.Length - 1; i++)
            _request[i] = (byte)('a' + (id + i) % 26);
        _request[^1] = (byte)'\n';
    }

    public long Replies { get; private set; }

    public long Errors { get; private set; }

    public LongHistogram Latency => _latency;

    public async Task RunAsync(Func<bool> measuring, CancellationToken stop)
    {
        using var socket = new Socket(_options.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_options.Target, stop);
        var buffer = new byte[64 * 1024];
        var batch = new byte[_request.Length * _options.Pipeline];
        for (var i = 0; i < _options.Pipeline; i++)
            _request.CopyTo(batch, i * _request.Length);

        await SendAsync(socket, batch, _options.Pipeline);
        var matched = 0; // bytes of the current reply matched so far
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, stop);
                if (read == 0)
                    throw new IOException("the server closed the connection");
                var completed = 0;
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != _request[matched])
                    {
                        Errors++;
                        throw new IOException("a reply did not match its request");
                    }
                    if (++matched == _request.Length)
                    {
                        matched = 0;
                        completed++;
                        var sentAt = _sentAt.Dequeue();
                        if (measuring())
                        {
                            Replies++;
                            _latency.RecordValue(Stopwatch.GetTimestamp() - sentAt);
                        }
                    }
                }
                if (completed > 0 && !stop.IsCancellationRequested)
                    await SendAsync(socket, batch, completed);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(Socket socket, byte[] batch, int requests)
    {
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests; i++)
            _sentAt.Enqueue(now);
        await socket.SendAsync(batch.AsMemory(0, requests * _request.Length), SocketFlags.None);
    }
}
