using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>The set family, run in the key's partition.</summary>
internal static class Sets
{
    public static RespValue Add(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryGetOrAdd<SetValue>(args[1], out var set))
            return RespValue.WrongType;
        var added = 0;
        for (var i = 2; i < args.Length; i++)
        {
            if (set.Members.Set(args[i], true))
                added++;
        }
        return RespValue.Integer(added);
    }

    public static RespValue Remove(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<SetValue>(args[1], out var set))
            return RespValue.WrongType;
        if (set is null)
            return RespValue.Integer(0);
        var removed = 0;
        for (var i = 2; i < args.Length; i++)
        {
            if (set.Members.Remove(args[i]))
                removed++;
        }
        store.RemoveIfEmpty(args[1], set.Members.Count);
        return RespValue.Integer(removed);
    }

    public static RespValue Members(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<SetValue>(args[1], out var set))
            return RespValue.WrongType;
        return set is null ? RespValue.EmptyArray : MembersOf(set);
    }

    private static RespValue MembersOf(SetValue set)
    {
        var items = new RespValue[set.Members.Count];
        var i = 0;
        foreach (var (member, _) in set.Members.Pairs())
            items[i++] = RespValue.Bulk(member);
        return RespValue.Array(items);
    }

    public static RespValue IsMember(KeyspaceStore store, byte[][] args) =>
        store.TryRead<SetValue>(args[1], out var set)
            ? RespValue.Integer(set is not null && set.Members.ContainsKey(args[2]) ? 1 : 0)
            : RespValue.WrongType;

    public static RespValue AreMembers(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<SetValue>(args[1], out var set))
            return RespValue.WrongType;
        var items = new RespValue[args.Length - 2];
        for (var i = 2; i < args.Length; i++)
            items[i - 2] = RespValue.Integer(set is not null && set.Members.ContainsKey(args[i]) ? 1 : 0);
        return RespValue.Array(items);
    }

    public static RespValue Cardinality(KeyspaceStore store, byte[][] args) =>
        store.TryRead<SetValue>(args[1], out var set) ? RespValue.Integer(set?.Members.Count ?? 0) : RespValue.WrongType;

    /// <summary>SPOP key [count].</summary>
    public static RespValue Pop(KeyspaceStore store, byte[][] args)
    {
        long count = 1;
        if (args.Length == 3 && (!Arg.TryLong(args[2], out count) || count < 0))
            return RespValue.MustBePositive;
        if (args.Length > 3)
            return RespValue.Syntax;
        if (!store.TryRead<SetValue>(args[1], out var set))
            return RespValue.WrongType;
        if (set is null)
            return args.Length == 3 ? RespValue.EmptyArray : RespValue.NullBulk;
        var popped = new List<RespValue>();
        for (var i = 0; i < count && set.Members.Count > 0; i++)
        {
            var member = set.Members.KeyAt(set.Members.RandomSlot())!;
            set.Members.Remove(member);
            popped.Add(RespValue.Bulk(member));
        }
        store.RemoveIfEmpty(args[1], set.Members.Count);
        return args.Length == 3 ? RespValue.Array([.. popped]) : popped[0];
    }

    /// <summary>SRANDMEMBER key [count].</summary>
    public static RespValue RandomMember(KeyspaceStore store, byte[][] args)
    {
        long count = 0;
        if (args.Length == 3 && !Arg.TryLong(args[2], out count))
            return RespValue.NotInteger;
        if (args.Length > 3)
            return RespValue.Syntax;
        if (!store.TryRead<SetValue>(args[1], out var set))
            return RespValue.WrongType;
        var members = set?.Members;
        if (args.Length == 2)
            return members is null ? RespValue.NullBulk : RespValue.Bulk(members.KeyAt(members.RandomSlot()));
        if (count < -RandomPicks.MaxRepeatedPicks)
            return RandomPicks.TooMany;
        if (members is null || count == 0)
            return RespValue.EmptyArray;
        var items = new List<RespValue>();
        foreach (var slot in RandomPicks.Slots(members, count))
            items.Add(RespValue.Bulk(members.KeyAt(slot)));
        return RespValue.Array([.. items]);
    }

    public static RespValue Scan(KeyspaceStore store, byte[][] args) =>
        store.TryRead<SetValue>(args[1], out var set)
            ? SlotScan.ScanCollection<bool>(set?.Members, args, null)
            : RespValue.WrongType;

    /// <summary>SMOVE source destination member with both keys in this partition.</summary>
    public static RespValue Move(KeyspaceStore store, byte[][] args)
    {
        // As Redis: a missing source answers 0 before either key's type is checked.
        var sourceEntry = store.Find(args[1]);
        if (sourceEntry is null)
            return RespValue.Integer(0);
        var destinationEntry = store.Find(args[2]);
        if (sourceEntry.Value is not SetValue source || (destinationEntry is not null && destinationEntry.Value is not SetValue))
            return RespValue.WrongType;
        var destination = destinationEntry?.Value as SetValue;
        if (!source.Members.ContainsKey(args[3]))
            return RespValue.Integer(0);
        if (ReferenceEquals(source, destination))
            return RespValue.Integer(1);
        source.Members.Remove(args[3]);
        store.RemoveIfEmpty(args[1], source.Members.Count);
        store.TryGetOrAdd<SetValue>(args[2], out var target);
        target.Members.Set(args[3], true);
        return RespValue.Integer(1);
    }

    /// <summary>SINTER, SUNION, SDIFF with all their keys in this partition.</summary>
    public static RespValue Algebra(KeyspaceStore store, byte[][] args)
    {
        var sets = new List<SetAlgebra.Members?>(args.Length - 1);
        for (var i = 1; i < args.Length; i++)
        {
            if (!store.TryRead<SetValue>(args[i], out var set))
                return RespValue.WrongType;
            sets.Add(set is null ? null : new SetAlgebra.Members(set));
        }
        return SetAlgebra.Compute(args[0], sets);
    }

    /// <summary>A set's members for a cross-partition SINTER/SUNION/SDIFF (an array; WRONGTYPE for another type).</summary>
    public static RespValue MembersOrNil(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<SetValue>(args[1], out var set))
            return RespValue.WrongType;
        return set is null ? RespValue.NullArray : MembersOf(set);
    }
}
