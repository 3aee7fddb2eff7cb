namespace AkkaTcp.Keyspace;

/// <summary>A resp list: a ring buffer of values, O(1) at both ends and by index.</summary>
internal sealed class ListValue
{
    private byte[][] _items = new byte[4][];
    private int _head;

    public int Count { get; private set; }

    public byte[] this[int index]
    {
        get => _items[(_head + index) % _items.Length];
        set => _items[(_head + index) % _items.Length] = value;
    }

    public void PushLeft(byte[] value)
    {
        Grow();
        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = value;
        Count++;
    }

    public void PushRight(byte[] value)
    {
        Grow();
        _items[(_head + Count) % _items.Length] = value;
        Count++;
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
        return value;
    }

    public byte[] PopRight()
    {
        var at = (_head + Count - 1) % _items.Length;
        var value = _items[at];
        _items[at] = null!;
        Count--;
        return value;
    }

    public byte[] Pop(bool left) => left ? PopLeft() : PopRight();

    /// <summary>Inserts at an index (0..Count), moving the later values one place right.</summary>
    public void Insert(int index, byte[] value)
    {
        PushRight(value);
        for (var i = Count - 1; i > index; i--)
            this[i] = this[i - 1];
        this[index] = value;
    }

    public void RemoveAt(int index)
    {
        for (var i = index; i < Count - 1; i++)
            this[i] = this[i + 1];
        PopRight();
    }

    /// <summary>Keeps only the values in [start, start + count).</summary>
    public void Keep(int start, int count)
    {
        var kept = new byte[Math.Max(4, count)][];
        for (var i = 0; i < count; i++)
            kept[i] = this[start + i];
        _items = kept;
        _head = 0;
        Count = count;
    }

    public ListValue Clone()
    {
        var copy = new ListValue();
        for (var i = 0; i < Count; i++)
            copy.PushRight(this[i]);
        return copy;
    }

    private void Grow()
    {
        if (Count < _items.Length)
            return;
        var bigger = new byte[_items.Length * 2][];
        for (var i = 0; i < Count; i++)
            bigger[i] = this[i];
        _items = bigger;
        _head = 0;
    }
}
