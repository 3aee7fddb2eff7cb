using System.Diagnostics;

namespace AkkaTcp;

/// <summary>
/// One server's view of <see cref="AkkaTcpMetrics"/>: every measurement carries the server's tag,
/// built once. The listener, its connections and their sessions record here; hot-path counts are
/// added once per received chunk, not per frame.
/// </summary>
internal sealed class ServerMetrics(AkkaTcpMetrics metrics, string server)
{
    private static readonly KeyValuePair<string, object?> Receive = new("network.io.direction", "receive");
    private static readonly KeyValuePair<string, object?> Transmit = new("network.io.direction", "transmit");
    private static readonly KeyValuePair<string, object?>[] Reasons = CreateReasonTags();
    private static readonly KeyValuePair<string, object?> Tls12 = new("tls.protocol.version", "1.2");
    private static readonly KeyValuePair<string, object?> Tls13 = new("tls.protocol.version", "1.3");
    private static readonly KeyValuePair<string, object?> HandshakeFailed = new("error.type", "tls-handshake");

    private long _pendingWriteBytes;
    private readonly StripedCounter _bytesReceived = new();
    private readonly StripedCounter _bytesSent = new();
    private readonly StripedCounter _framesReceived = new();
    private readonly StripedCounter _framesSent = new();

    public AkkaTcpMetrics Metrics => metrics;

    public string Name => server;

    public KeyValuePair<string, object?> Tag { get; } = new("server", server);

    public long PendingWriteBytes => Volatile.Read(ref _pendingWriteBytes);

    /// <summary>The server's traffic so far, for <see cref="ServerStats"/> (kept whether or not anyone listens to the meter).</summary>
    public Traffic Totals => new(_bytesReceived.Sum(), _bytesSent.Sum(), _framesReceived.Sum(), _framesSent.Sum());

    public readonly record struct Traffic(long BytesReceived, long BytesSent, long FramesReceived, long FramesSent);

    public void OnAccepted() => metrics.Accepted.Add(1, Tag);

    public void OnRejected(string reason) => metrics.Rejected.Add(1, Tag, new KeyValuePair<string, object?>("reason", reason));

    public void OnServed() => metrics.Active.Add(1, Tag);

    public void OnServedEnded() => metrics.Active.Add(-1, Tag);

    public void OnQueued() => metrics.Queued.Add(1, Tag);

    public void OnDequeued() => metrics.Queued.Add(-1, Tag);

    public void OnClosed(CloseReason reason) => metrics.Closed.Add(1, Tag, Reasons[(int)reason]);

    public void OnConnectionEnded(CloseReason reason, long startedAt)
    {
        if (metrics.Duration.Enabled)
            metrics.Duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, Tag, Reasons[(int)reason]);
    }

    /// <summary>A TLS handshake ended: <paramref name="protocol"/> when it succeeded, null when it failed.</summary>
    public void OnTlsHandshake(long startedAt, System.Security.Authentication.SslProtocols? protocol)
    {
        if (!metrics.TlsHandshakeDuration.Enabled)
            return;
        var outcome = protocol switch
        {
            null => HandshakeFailed,
            System.Security.Authentication.SslProtocols.Tls13 => Tls13,
            _ => Tls12,
        };
        metrics.TlsHandshakeDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, Tag, outcome);
    }

    public void OnReceived(int bytes)
    {
        _bytesReceived.Add(bytes);
        if (metrics.NetworkIo.Enabled)
            metrics.NetworkIo.Add(bytes, Tag, Receive);
    }

    public void OnSent(int bytes)
    {
        _bytesSent.Add(bytes);
        if (metrics.NetworkIo.Enabled)
            metrics.NetworkIo.Add(bytes, Tag, Transmit);
    }

    public void OnFrames(int received, int sent)
    {
        if (received > 0)
            _framesReceived.Add(received);
        if (sent > 0)
            _framesSent.Add(sent);
        if (!metrics.Frames.Enabled)
            return;
        if (received > 0)
            metrics.Frames.Add(received, Tag, Receive);
        if (sent > 0)
            metrics.Frames.Add(sent, Tag, Transmit);
    }

    /// <summary>
    /// Moves the server's pending-bytes total by what one connection's changed since it last
    /// reported. Nobody observing, only a return to zero is reported: the total stays the sum of
    /// what each connection last reported, and costs no shared write per reply.
    /// </summary>
    public void TrackPending(ref long reported, long now)
    {
        if (now != reported && (now == 0 || metrics.PendingWriteBytes.Enabled))
        {
            Interlocked.Add(ref _pendingWriteBytes, now - reported);
            reported = now;
        }
    }

    private static KeyValuePair<string, object?>[] CreateReasonTags()
    {
        var tags = new KeyValuePair<string, object?>[CloseReasons.Count];
        for (var i = 0; i < tags.Length; i++)
            tags[i] = new KeyValuePair<string, object?>("reason", ((CloseReason)i).Name());
        return tags;
    }
}
