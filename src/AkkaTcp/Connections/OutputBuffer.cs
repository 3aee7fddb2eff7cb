using System.Buffers;
using Akka.IO;

namespace AkkaTcp.Protocols;

/// <summary>
/// A connection's outgoing bytes: replies being gathered, and at most one acknowledged write
/// handed to Akka.IO and not yet acknowledged. Replies written while that write is in flight are
/// gathered into the next one, so many small replies leave in one send. Both buffers are pooled;
/// the in-flight one is wrapped (not copied) into the ByteString Akka.IO sends, and goes back to
/// the pool on the ack. Small writes (up to <see cref="SmallWriteBytes"/>) skip the ack for all but
/// every Nth write and past <c>maxUnacknowledgedBytes</c>. The first after an ack is copied out, so
/// the buffer is free at once; the ones after it are wrapped too, and the replies after each gather
/// behind it in the same buffer, which the next ack (Akka.IO acknowledges in order) frees with them.
/// A write that outgrows a buffer small writes still use asks for that ack; a connection that goes
/// quiet while its buffer is held sends an empty acknowledged write (<see cref="StartConfirmation"/>),
/// so an idle connection keeps no buffer.
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
    // _gathering[.._sent] went out in small writes no ack has confirmed yet; _gathering[_sent.._gathered] is gathered.
    private int _sent;
    private int _gathered;
    // A buffer outgrown while small writes from it were unconfirmed: pooled again at the next ack.
    private byte[]? _retired;
    private byte[]? _inFlight;
    private int _inFlightCount;
    private int _unacknowledgedWrites;
    private int _unacknowledgedBytes;

    private int Gathered => _gathered - _sent;

    /// <summary>Bytes not yet confirmed by an ack: gathered, in flight, and small writes sent since the last ack.</summary>
    public int PendingBytes => Gathered + _inFlightCount + _unacknowledgedBytes;

    /// <summary>
    /// Bytes still held here: gathered, or in an acknowledged write not yet acknowledged. What a
    /// streaming session paces itself by: small writes sent without an ack are not counted, since
    /// no ack may come for them until a later write asks for one.
    /// </summary>
    public int HeldBytes => Gathered + _inFlightCount;

    /// <summary>An acknowledged write is outstanding (the write-timeout watches it).</summary>
    public bool IsWriting => _inFlight is not null;

    /// <summary>Bytes sent without an ack that no ack has confirmed yet.</summary>
    public int UnconfirmedBytes => _unacknowledgedBytes;

    /// <summary>A pooled buffer is held for small writes no ack has confirmed yet.</summary>
    internal bool HoldsUnconfirmed => _sent > 0 || _retired is not null;

    /// <summary>Bytes of the acknowledged write in flight.</summary>
    public int InFlightBytes => _inFlightCount;

    public bool IsEmpty => Gathered == 0 && _inFlight is null;

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
        var count = Gathered;
        if (_inFlight is not null || count == 0)
            return null;
        if (count <= SmallWriteBytes && _retired is null && _unacknowledgedWrites + 1 < ackEveryWrites
            && _unacknowledgedBytes + count <= maxUnacknowledgedBytes)
        {
            _unacknowledgedBytes += count;
            if (_unacknowledgedWrites++ == 0)
            {
                // A lone reply may have no followers: copied, so a quiet connection keeps no buffer.
                var copy = ByteString.CopyFrom(_gathering, _sent, count);
                Release();
                return copy;
            }
            var small = ByteString.FromBytes(_gathering, _sent, count);
            _sent = _gathered; // the next replies gather behind it
            return small;
        }
        var write = ByteString.FromBytes(_gathering, _sent, count);
        wantsAck = true;
        _inFlight = _gathering;
        _inFlightCount = count;
        _gathering = [];
        _gathered = 0;
        _sent = 0;
        return write;
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
        if (_retired is not null)
            ArrayPool<byte>.Shared.Return(_retired);
        _retired = null;
        if (_sent > 0) // an empty confirmation's ack: what the small writes used is free
        {
            _gathering.AsSpan(_sent, Gathered).CopyTo(_gathering);
            _gathered -= _sent;
            _sent = 0;
        }
        if (_gathered == 0)
            Release(); // an idle connection keeps no buffer
        if (_inFlight is null)
            return;
        if (_inFlight.Length > 0)
            ArrayPool<byte>.Shared.Return(_inFlight);
        _inFlight = null;
        _inFlightCount = 0;
    }

    /// <summary>
    /// Returns the gathering buffer to the pool, unless small writes from it are unconfirmed. Those,
    /// and the in-flight one, may still be in Akka.IO's hands, so they are left to the GC.
    /// </summary>
    public void Release()
    {
        if (_gathering.Length > 0 && _sent == 0)
            ArrayPool<byte>.Shared.Return(_gathering);
        _gathering = [];
        _gathered = 0;
        _sent = 0;
    }

    private void Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_gathering.Length - _gathered >= needed)
            return;
        var count = Gathered;
        var size = Math.Max(Math.Max(MinimumBufferSize, _sent == 0 ? _gathering.Length * 2 : 0), count + needed);
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _gathering.AsSpan(_sent, count).CopyTo(bigger);
        if (_sent > 0)
            _retired = _gathering; // the next write asks for the ack that frees it
        else if (_gathering.Length > 0)
            ArrayPool<byte>.Shared.Return(_gathering);
        _gathering = bigger;
        _gathered = count;
        _sent = 0;
    }
}
