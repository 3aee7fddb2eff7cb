namespace AkkaTcp.Keyspace;

/// <summary>
/// One key's value — a string (<c>byte[]</c>), <see cref="HashValue"/>, <see cref="ListValue"/> or
/// <see cref="SetValue"/> — with its expiry and when it was last used (OBJECT IDLETIME). Updated in
/// place when the key is written again, so overwriting allocates no entry.
/// </summary>
internal sealed class Entry(object value, long expiresAt)
{
    public object Value { get; set; } = value;

    /// <summary>Unix milliseconds; 0 = no expiry.</summary>
    public long ExpiresAt { get; set; } = expiresAt;

    /// <summary>Environment.TickCount64 of the last command that used the key.</summary>
    public long LastUsed { get; set; } = Environment.TickCount64;

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
    public SlotMap<byte[]> Fields { get; } = new();

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
