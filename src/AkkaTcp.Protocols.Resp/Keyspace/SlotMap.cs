namespace AkkaTcp.Keyspace;

/// <summary>
/// A map from byte-string keys to values that also keeps every key in a numbered slot. A key keeps
/// its slot for as long as it exists (removals leave holes that later keys reuse; nothing is ever
/// moved), so a cursor that walks the slots (SCAN, HSCAN, SSCAN) returns every key present for the
/// whole walk at least once, and a random slot is a cheap random key (RANDOMKEY, SPOP, HRANDFIELD).
/// </summary>
/// <param name="sizeOf">The bytes a value counts for maxmemory (a hash's values); none by default.</param>
internal sealed class SlotMap<TValue>(Func<TValue, int>? sizeOf = null)
{
    private readonly Dictionary<byte[], int> _index = new(ByteKeyComparer.Instance);
    private byte[]?[] _keys = new byte[]?[4];
    private TValue[] _values = new TValue[4];
    private int[] _free = new int[4];
    private int _freeCount;
    private int _used;

    public int Count => _index.Count;

    /// <summary>The total length of the keys, and of the values when sized.</summary>
    public long Bytes { get; private set; }

    /// <summary>Slots handed out so far (the cursor's end); holes included.</summary>
    public int SlotCount => _used;

    public bool ContainsKey(byte[] key) => _index.ContainsKey(key);

    public bool TryGetValue(byte[] key, out TValue value)
    {
        if (_index.TryGetValue(key, out var slot))
        {
            value = _values[slot];
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Sets a key's value; true if the key was added, false if it existed (its slot is kept).</summary>
    public bool Set(byte[] key, TValue value)
    {
        if (_index.TryGetValue(key, out var slot))
        {
            if (sizeOf is not null)
                Bytes += sizeOf(value) - sizeOf(_values[slot]);
            _values[slot] = value;
            return false;
        }
        Bytes += key.Length + (sizeOf?.Invoke(value) ?? 0);
        slot = _freeCount > 0 ? _free[--_freeCount] : NewSlot();
        _keys[slot] = key;
        _values[slot] = value;
        _index.Add(key, slot);
        return true;
    }

    private int NewSlot()
    {
        if (_used == _keys.Length)
        {
            Array.Resize(ref _keys, _used * 2);
            Array.Resize(ref _values, _used * 2);
        }
        return _used++;
    }

    public bool Remove(byte[] key, out TValue value)
    {
        if (!_index.Remove(key, out var slot))
        {
            value = default!;
            return false;
        }
        value = _values[slot];
        Bytes -= key.Length + (sizeOf?.Invoke(value) ?? 0);
        _keys[slot] = null;
        _values[slot] = default!;
        if (_index.Count == 0)
        {
            Clear(); // an empty map gives its slots back; no cursor can miss a key that is not there
            return true;
        }
        if (_freeCount == _free.Length)
            Array.Resize(ref _free, _freeCount * 2);
        _free[_freeCount++] = slot;
        return true;
    }

    public bool Remove(byte[] key) => Remove(key, out _);

    public void Clear()
    {
        _index.Clear();
        _keys = new byte[]?[4];
        _values = new TValue[4];
        _free = new int[4];
        _freeCount = 0;
        _used = 0;
        Bytes = 0;
    }

    /// <summary>The key in a slot, or null for a hole.</summary>
    public byte[]? KeyAt(int slot) => _keys[slot];

    public TValue ValueAt(int slot) => _values[slot];

    /// <summary>
    /// The slot of a random key, or -1 when empty. Random slots first; when the map is mostly holes,
    /// the first key after a random slot (like Redis, not perfectly uniform).
    /// </summary>
    public int RandomSlot()
    {
        if (_index.Count == 0)
            return -1;
        for (var attempt = 0; attempt < 32; attempt++)
        {
            var slot = Random.Shared.Next(_used);
            if (_keys[slot] is not null)
                return slot;
        }
        var start = Random.Shared.Next(_used);
        for (var i = 0; i < _used; i++)
        {
            var slot = (start + i) % _used;
            if (_keys[slot] is not null)
                return slot;
        }
        return -1;
    }

    /// <summary>The keys in slot order (holes skipped).</summary>
    public IEnumerable<KeyValuePair<byte[], TValue>> Pairs()
    {
        for (var slot = 0; slot < _used; slot++)
        {
            if (_keys[slot] is { } key)
                yield return new(key, _values[slot]);
        }
    }
}
