using System.Buffers;
using System.Text;
using System.Runtime.Serialization;

namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>Writes the <see cref="KeyspaceSerializer"/>'s form: varint lengths and integers, byte arrays as they are.</summary>
internal sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public void Byte(byte value) => _buffer.Write([value]);

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void Int(int value) => Long(value);

    /// <summary>ZigZag varint: small magnitudes, negative or not, take one or two bytes.</summary>
    public void Long(long value)
    {
        var bits = (ulong)((value << 1) ^ (value >> 63));
        var span = _buffer.GetSpan(10);
        var n = 0;
        while (bits >= 0x80)
        {
            span[n++] = (byte)(bits | 0x80);
            bits >>= 7;
        }
        span[n++] = (byte)bits;
        _buffer.Advance(n);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        Int(value.Length);
        _buffer.Write(value);
    }

    public void Arrays(byte[][] values)
    {
        Int(values.Length);
        foreach (var value in values)
            Bytes(value);
    }

    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Int(length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}

/// <summary>Reads what <see cref="WireWriter"/> wrote; a short or malformed message throws <see cref="SerializationException"/>.</summary>
internal sealed class WireReader(byte[] bytes)
{
    private int _at;

    public byte Byte() => _at < bytes.Length ? bytes[_at++] : throw Short();

    public bool Bool() => Byte() != 0;

    public int Int()
    {
        var value = Long();
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new SerializationException("an int out of range in a resp cluster message");
    }

    public long Long()
    {
        ulong bits = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Byte();
            bits |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return (long)(bits >> 1) ^ -(long)(bits & 1);
        }
        throw new SerializationException("a varint too long in a resp cluster message");
    }

    public byte[] Bytes() => Take(Length()).ToArray();

    public byte[][] Arrays() => Many(static r => r.Bytes());

    public string String() => Encoding.UTF8.GetString(Take(Length()));

    public T[] Many<T>(Func<WireReader, T> read)
    {
        var items = new T[Length()];
        for (var i = 0; i < items.Length; i++)
            items[i] = read(this);
        return items;
    }

    /// <summary>A count or length: never more than the bytes left could hold, so garbage cannot allocate much.</summary>
    private int Length()
    {
        var length = Int();
        return length >= 0 && length <= bytes.Length - _at ? length : throw Short();
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        var span = bytes.AsSpan(_at, length);
        _at += length;
        return span;
    }

    private static SerializationException Short() => new("a truncated or malformed resp cluster message");
}
