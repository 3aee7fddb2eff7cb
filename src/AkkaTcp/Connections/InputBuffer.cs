using System.Buffers;

namespace AkkaTcp.Protocols;

/// <summary>
/// The tail of received input that does not yet make a whole frame. Only that tail is copied:
/// a chunk that ends on a frame boundary is decoded in place and never lands here. Bounded by
/// the decoder, which refuses a frame longer than max-frame-size. Public by design: the client
/// library's connections buffer their replies with it too.
/// </summary>
public sealed class InputBuffer
{
    private byte[] _buffer = [];
    private int _start;
    private int _count;

    public bool IsEmpty => _count == 0;

    public int Length => _count;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, _count);

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_buffer.Length - _start - _count < data.Length)
            MakeRoom(data.Length);
        data.CopyTo(_buffer.AsSpan(_start + _count));
        _count += data.Length;
    }

    public void Consume(int count)
    {
        _start += count;
        _count -= count;
        if (_count == 0)
            Release();
    }

    /// <summary>Gives the buffer back to the pool; idle connections hold no input memory.</summary>
    public void Release()
    {
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _start = 0;
        _count = 0;
    }

    private void MakeRoom(int extra)
    {
        var needed = _count + extra;
        if (_buffer.Length >= needed)
        {
            // Enough space overall: slide the unconsumed bytes to the front.
            _buffer.AsSpan(_start, _count).CopyTo(_buffer);
            _start = 0;
            return;
        }
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 4096));
        _buffer.AsSpan(_start, _count).CopyTo(bigger);
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
        _start = 0;
    }
}
