using System.Buffers;
using Akka.IO;

namespace AkkaTcp.Connections;

/// <summary>
/// A connection's outgoing bytes: replies being gathered, and at most one write handed to Akka.IO
/// and not yet acknowledged. Replies written while a write is in flight are gathered into the next
/// one, so many small replies leave in one send. Both buffers are pooled; the in-flight one is
/// wrapped (not copied) into the ByteString Akka.IO sends, and goes back to the pool on the ack.
/// </summary>
internal sealed class OutputBuffer : IBufferWriter<byte>
{
    private const int MinimumBufferSize = 4096;

    private byte[] _gathering = [];
    private int _gathered;
    private byte[]? _inFlight;
    private int _inFlightCount;

    /// <summary>Bytes not yet acknowledged by Akka.IO: in flight plus gathered.</summary>
    public int PendingBytes => _gathered + _inFlightCount;

    public bool IsWriting => _inFlight is not null;

    /// <summary>Bytes of the write in flight.</summary>
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
    /// Hands the gathered bytes over as the next write, or returns null when a write is already in
    /// flight or nothing is gathered.
    /// </summary>
    public ByteString? StartWrite()
    {
        if (_inFlight is not null || _gathered == 0)
            return null;
        _inFlight = _gathering;
        _inFlightCount = _gathered;
        _gathering = [];
        _gathered = 0;
        return ByteString.FromBytes(_inFlight, 0, _inFlightCount);
    }

    /// <summary>The write in flight was acknowledged: Akka.IO no longer holds its buffer.</summary>
    public void CompleteWrite()
    {
        if (_inFlight is null)
            return;
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
