namespace AkkaTcp.Keyspace;

/// <summary>
/// One key's value — a string (<c>byte[]</c>), <see cref="HashValue"/>, <see cref="ListValue"/> or
/// <see cref="SetValue"/> — with its expiry and when it was last used (OBJECT IDLETIME). Updated in
/// place when the key is written again, so overwriting allocates no entry.
/// </summary>
internal sealed class Entry(object value, long expiresAt, long now)
{
    public object Value { get; set; } = value;

    /// <summary>Unix milliseconds; 0 = no expiry.</summary>
    public long ExpiresAt { get; set; } = expiresAt;

    /// <summary>
    /// When the last command that used the key started (Stopwatch ticks): OBJECT IDLETIME, and the
    /// LRU order of eviction, which needs finer than milliseconds to tell keys apart.
    /// </summary>
    public long LastUsed { get; set; } = now;

    /// <summary>What the key counted for maxmemory when last measured (<see cref="MeasureSize"/>).</summary>
    public long Size { get; set; }

    /// <summary>The key was deleted: it counts for nothing any more.</summary>
    public bool Removed { get; set; }

    /// <summary>
    /// An estimate of the memory the key holds: its bytes plus a fixed overhead per key and per
    /// element (the objects, arrays and table entries that hold them); computed in O(1) from the
    /// byte counts the collections keep.
    /// </summary>
    public long MeasureSize(byte[] key) => key.Length + 96 + Value switch
    {
        byte[] text => text.Length + 24,
        ListValue list => list.Bytes + list.Count * 32L,
        HashValue hash => hash.Fields.Bytes + hash.Fields.Count * 80L,
        SetValue set => set.Members.Bytes + set.Members.Count * 56L,
        _ => 0,
    };

    public string TypeName => Value switch
    {
        byte[] => "string",
        HashValue => "hash",
        ListValue => "list",
        SetValue => "set",
        _ => "none",
    };

    /// <summary>A copy that shares nothing mutable (COPY): strings are never changed in place, collections are.</summary>
    public object CloneValue() => Value switch
    {
        HashValue hash => hash.Clone(),
        ListValue list => list.Clone(),
        SetValue set => set.Clone(),
        _ => Value,
    };
}

/// <summary>A resp hash: fields and their values.</summary>
internal sealed class HashValue
{
    public SlotMap<byte[]> Fields { get; } = new(static value => value.Length);

    public HashValue Clone()
    {
        var copy = new HashValue();
        foreach (var (field, value) in Fields.Pairs())
            copy.Fields.Set(field, value);
        return copy;
    }
}

/// <summary>A resp set: its members.</summary>
internal sealed class SetValue
{
    public SlotMap<bool> Members { get; } = new();

    public SetValue Clone()
    {
        var copy = new SetValue();
        foreach (var (member, _) in Members.Pairs())
            copy.Members.Set(member, true);
        return copy;
    }
}
