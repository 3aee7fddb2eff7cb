namespace AkkaTcp.Keyspace;

/// <summary>A resp list: a ring buffer of values, O(1) at both ends and by index; counts its values' bytes for maxmemory.</summary>
internal sealed class ListValue
{
    private byte[][] _items = new byte[4][];
    private int _head;

    public int Count { get; private set; }

    /// <summary>The total length of the values.</summary>
    public long Bytes { get; private set; }

    public byte[] this[int index]
    {
        get => Raw(index);
        set
        {
            Bytes += value.Length - Raw(index).Length;
            Raw(index) = value;
        }
    }

    private ref byte[] Raw(int index) => ref _items[(_head + index) % _items.Length];

    public void PushLeft(byte[] value)
    {
        Grow();
        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = value;
        Count++;
        Bytes += value.Length;
    }

    public void PushRight(byte[] value)
    {
        Grow();
        _items[(_head + Count) % _items.Length] = value;
        Count++;
        Bytes += value.Length;
    }

    public void Push(bool left, byte[] value)
    {
        if (left)
            PushLeft(value);
        else
            PushRight(value);
    }

    public byte[] PopLeft()
    {
        var value = _items[_head];
        _items[_head] = null!;
        _head = (_head + 1) % _items.Length;
        Count--;
        Bytes -= value.Length;
        return value;
    }

    public byte[] PopRight()
    {
        ref var slot = ref Raw(Count - 1);
        var value = slot;
        slot = null!;
        Count--;
        Bytes -= value.Length;
        return value;
    }

    public byte[] Pop(bool left) => left ? PopLeft() : PopRight();

    /// <summary>Inserts at an index (0..Count), moving the later values one place right.</summary>
    public void Insert(int index, byte[] value)
    {
        PushRight(value);
        for (var i = Count - 1; i > index; i--)
            Raw(i) = Raw(i - 1);
        Raw(index) = value;
    }

    public void RemoveAt(int index)
    {
        var removed = Raw(index);
        for (var i = index; i < Count - 1; i++)
            Raw(i) = Raw(i + 1);
        Raw(Count - 1) = removed;
        PopRight();
    }

    /// <summary>Keeps only the values in [start, start + count).</summary>
    public void Keep(int start, int count)
    {
        var kept = new byte[Math.Max(4, count)][];
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            kept[i] = Raw(start + i);
            bytes += kept[i].Length;
        }
        _items = kept;
        _head = 0;
        Count = count;
        Bytes = bytes;
    }

    public ListValue Clone()
    {
        var copy = new ListValue();
        for (var i = 0; i < Count; i++)
            copy.PushRight(Raw(i));
        return copy;
    }

    private void Grow()
    {
        if (Count < _items.Length)
            return;
        var bigger = new byte[_items.Length * 2][];
        for (var i = 0; i < Count; i++)
            bigger[i] = Raw(i);
        _items = bigger;
        _head = 0;
    }
}
