using Akka.Actor;

namespace AkkaTcp.Protocols;

/// <summary>
/// Glues a decoder, a handler and an encoder into one connection's session: decodes every whole
/// frame in the input, hands each to the handler, and encodes its replies straight into the
/// connection's output.
/// </summary>
internal sealed class FramedSession<TFrame, TReply> : IProtocolSession, IConnectionContext<TReply>
    where TFrame : allows ref struct
    where TReply : allows ref struct
{
    private readonly IFrameDecoder<TFrame> _decoder;
    private readonly IFrameEncoder<TReply> _encoder;
    private readonly IFrameHandler<TFrame, TReply> _handler;
    private IConnectionSink? _sink;
    private ServerMetrics? _metrics;
    private int _repliesEncoded;

    public FramedSession(IFrameDecoder<TFrame> decoder, IFrameEncoder<TReply> encoder, IFrameHandler<TFrame, TReply> handler, ConnectionInfo connection)
    {
        _decoder = decoder;
        _encoder = encoder;
        _handler = handler;
        Connection = connection;
    }

    public ConnectionInfo Connection { get; }

    private IConnectionSink Sink => _sink ?? throw new InvalidOperationException("the session is not connected yet");

    public void OnConnected(IConnectionSink sink)
    {
        _sink = sink;
        _metrics = (sink as Connections.ConnectionSink)?.Metrics;
        _handler.OnConnected(this);
    }

    public int OnReceived(ReadOnlySpan<byte> input)
    {
        var sink = Sink;
        var consumed = 0;
        var frames = 0;
        while (!sink.IsClosing && consumed < input.Length)
        {
            var status = _decoder.Decode(input[consumed..], out var frame, out var length, out var error);
            if (status == DecodeStatus.NeedMoreData)
                break;
            if (status == DecodeStatus.Error)
            {
                _handler.OnProtocolError(error, this);
                sink.Close(error.Reason);
                break;
            }
            consumed += length;
            _handler.OnFrame(frame, this);
            frames++;
        }
        if (frames > 0)
            _handler.OnFramesEnd(this);
        CountFrames(frames);
        return consumed;
    }

    public bool TryWritePing() => _handler.TryPing(this);

    public void Reply(TReply reply)
    {
        _encoder.Encode(reply, Sink.Output);
        _repliesEncoded++;
    }

    /// <summary>Adds the frames decoded and the replies encoded since the last count, once per chunk or message.</summary>
    private void CountFrames(int received)
    {
        _metrics?.OnFrames(received, _repliesEncoded);
        _repliesEncoded = 0;
    }

    public void ReplyLater<T>(Task<T> work, Action<T, IConnectionContext<TReply>> reply) =>
        Sink.ReplyLater(work, () => reply(work.Result, this));

    public void ReplyWhenDone<T>(Task<T> work, Action<T, IConnectionContext<TReply>> reply) =>
        Sink.ReplyWhenDone(work, () => reply(work.Result, this));

    public IActorRef Self => Sink.Self;

    public ReplyToken ReserveReply() => Sink.ReserveReply();

    public void CompleteReply<TState>(ReplyToken reserved, TState state, Action<TState, IConnectionContext<TReply>> write) =>
        Sink.CompleteReply(reserved, (State: state, Write: write, Context: this), static s => s.Write(s.State, s.Context));

    public bool OnMessage(object message)
    {
        var handled = _handler.OnMessage(message, this);
        CountFrames(0);
        return handled;
    }

    public bool TryWriteGoodbye() => _handler.TryGoodbye(this);

    public void OnPeerClosed() => _handler.OnPeerClosed(this);

    public void OnClosed() => _handler.OnClosed();

    public void Close() => Sink.Close(CloseReason.HandlerClosed);

    public void Abort(CloseReason reason) => Sink.Abort(reason);

    public int PendingOutputBytes => Sink.PendingOutputBytes;

    public int MaxPendingOutputBytes
    {
        get => Sink.MaxPendingOutputBytes;
        set => Sink.MaxPendingOutputBytes = value;
    }
}
