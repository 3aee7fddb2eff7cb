using System.Buffers;
using Akka.IO;

namespace AkkaTcp.Protocols;

/// <summary>
/// A connection's outgoing bytes: replies being gathered, and at most one acknowledged write
/// handed to Akka.IO and not yet acknowledged. Replies written while that write is in flight are
/// gathered into the next one, so many small replies leave in one send. Both buffers are pooled;
/// the in-flight one is wrapped (not copied) into the ByteString Akka.IO sends, and goes back to
/// the pool on the ack. Small writes (up to <see cref="SmallWriteBytes"/>) skip the ack for all but
/// every Nth write and past <c>maxUnacknowledgedBytes</c>: they are copied out, so the pooled
/// buffer is free at once, and the next ack (Akka.IO acknowledges in order) confirms them too.
/// </summary>
/// Public by design: the client library's connections write their requests through it too.
/// <param name="ackEveryWrites">Every this many writes in a row, one asks for an ack (1 = all do).</param>
/// <param name="maxUnacknowledgedBytes">
/// Bytes that may be out without an ack. Kept below the write-low-water-mark, so that whenever
/// backpressure stops reading an acknowledged write is out, whose ack will resume it.
/// </param>
public sealed class OutputBuffer(int ackEveryWrites = 1, int maxUnacknowledgedBytes = 0) : IBufferWriter<byte>
{
    public const int SmallWriteBytes = 4096;

    /// <summary>The most a connection sends without an ack, whatever its low-water mark.</summary>
    public const int UnacknowledgedBytesLimit = 64 * 1024;
    private const int MinimumBufferSize = 4096;

    private byte[] _gathering = [];
    private int _gathered;
    private byte[]? _inFlight;
    private int _inFlightCount;
    private int _unacknowledgedWrites;
    private int _unacknowledgedBytes;

    /// <summary>Bytes not yet confirmed by an ack: gathered, in flight, and small writes sent since the last ack.</summary>
    public int PendingBytes => _gathered + _inFlightCount + _unacknowledgedBytes;

    /// <summary>
    /// Bytes still held here: gathered, or in an acknowledged write not yet acknowledged. What a
    /// streaming session paces itself by: small writes sent without an ack are not counted, since
    /// no ack may come for them until a later write asks for one.
    /// </summary>
    public int HeldBytes => _gathered + _inFlightCount;

    /// <summary>An acknowledged write is outstanding (the write-timeout watches it).</summary>
    public bool IsWriting => _inFlight is not null;

    /// <summary>Bytes sent without an ack that no ack has confirmed yet.</summary>
    public int UnconfirmedBytes => _unacknowledgedBytes;

    /// <summary>Bytes of the acknowledged write in flight.</summary>
    public int InFlightBytes => _inFlightCount;

    public bool IsEmpty => _gathered == 0 && _inFlight is null;

    public void Advance(int count) => _gathered += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _gathering.AsMemory(_gathered);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _gathering.AsSpan(_gathered);
    }

    /// <summary>
    /// Hands the gathered bytes over as the next write, or returns null when an acknowledged write
    /// is in flight or nothing is gathered. <paramref name="wantsAck"/> says whether this write must
    /// be sent with an ack (then it is in flight until <see cref="CompleteWrite"/>).
    /// </summary>
    public ByteString? StartWrite(out bool wantsAck)
    {
        wantsAck = false;
        if (_inFlight is not null || _gathered == 0)
            return null;
        if (_gathered <= SmallWriteBytes && _unacknowledgedWrites + 1 < ackEveryWrites
            && _unacknowledgedBytes + _gathered <= maxUnacknowledgedBytes)
        {
            var copy = ByteString.CopyFrom(_gathering, 0, _gathered);
            _unacknowledgedWrites++;
            _unacknowledgedBytes += _gathered;
            Release(); // an idle connection keeps no buffer
            return copy;
        }
        wantsAck = true;
        _inFlight = _gathering;
        _inFlightCount = _gathered;
        _gathering = [];
        _gathered = 0;
        return ByteString.FromBytes(_inFlight, 0, _inFlightCount);
    }

    /// <summary>
    /// An empty write to send with an ack, when nothing is gathered: its ack confirms the small
    /// writes sent before it (Akka.IO acknowledges in order). In flight until <see cref="CompleteWrite"/>.
    /// </summary>
    public ByteString StartConfirmation()
    {
        _inFlight = [];
        _inFlightCount = 0;
        return ByteString.Empty;
    }

    /// <summary>The write in flight was acknowledged: Akka.IO no longer holds its buffer, nor any write before it.</summary>
    public void CompleteWrite()
    {
        _unacknowledgedWrites = 0;
        _unacknowledgedBytes = 0;
        if (_inFlight is null)
            return;
        if (_inFlight.Length > 0)
            ArrayPool<byte>.Shared.Return(_inFlight);
        _inFlight = null;
        _inFlightCount = 0;
    }

    /// <summary>Returns the gathering buffer to the pool. The in-flight one may still be in Akka.IO's hands, so it is left to the GC.</summary>
    public void Release()
    {
        if (_gathering.Length > 0)
            ArrayPool<byte>.Shared.Return(_gathering);
        _gathering = [];
        _gathered = 0;
    }

    private void Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_gathering.Length - _gathered >= needed)
            return;
        var size = Math.Max(Math.Max(MinimumBufferSize, _gathering.Length * 2), _gathered + needed);
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _gathering.AsSpan(0, _gathered).CopyTo(bigger);
        if (_gathering.Length > 0)
            ArrayPool<byte>.Shared.Return(_gathering);
        _gathering = bigger;
    }
}
