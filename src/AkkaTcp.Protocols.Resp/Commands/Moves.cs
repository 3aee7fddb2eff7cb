using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>
/// Moving a key, a list value or a set member between partitions (RENAME, RENAMENX, LMOVE,
/// RPOPLPUSH, BLMOVE, SMOVE), partition to partition: the source takes it out and forwards it to
/// the destination, which answers the client (or, if it cannot take it, forwards it back to the
/// source, which answers). The value never travels through the connection, so a client reset in
/// the middle loses nothing. Args carry the destination, and the origin for the way back.
/// </summary>
internal static class Moves
{
    private static readonly CommandSpec PutIn = CommandTable.Named("__PUTIN");
    private static readonly CommandSpec PushIn = CommandTable.Named("__PUSHIN");
    private static readonly CommandSpec AddIn = CommandTable.Named("__ADDIN");

    private static RespValue Forward(KeyspaceStore store, CommandSpec spec, byte[] key, object? payload, params byte[][] rest) =>
        new ForwardValue(store.PartitionOf(key), new KeyCommand(spec.Index, [spec.NameBytes, key, .. rest], payload, Part: true));

    /// <summary>__RENAME source destination REPLACE|NX: the key, with its expiry, to the destination's partition.</summary>
    public static RespValue RenameOut(KeyspaceStore store, byte[][] args)
    {
        var entry = store.Find(args[1]);
        if (entry is null)
            return RespValue.NoSuchKey;
        store.Remove(args[1]);
        return Forward(store, PutIn, args[2], new EntryValue(entry.Value, entry.ExpiresAt), args[3], args[1]);
    }

    /// <summary>__PUTIN key REPLACE|NX|BACK [origin]: puts a moved key; NX refused sends it back to its origin, which answers 0.</summary>
    public static RespValue PutInto(KeyspaceStore store, byte[][] args)
    {
        var value = (EntryValue)store.Payload!;
        var back = Arg.Is(args[2], "BACK"u8);
        if ((back || Arg.Is(args[2], "NX"u8)) && store.Find(args[1]) is not null)
            return back ? RespValue.Integer(0) : Forward(store, PutIn, args[3], value, "BACK"u8.ToArray()); // back: a newer key took the name meanwhile
        store.Place(args[1], value.Value, value.ExpiresAt);
        return back ? RespValue.Integer(0) : Arg.Is(args[2], "NX"u8) ? RespValue.Integer(1) : RespValue.Ok;
    }

    /// <summary>__LMOVE source destination LEFT|RIGHT LEFT|RIGHT: pops here, pushes there.</summary>
    public static RespValue ListMoveOut(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<ListValue>(args[1], out var list))
            return RespValue.WrongType;
        if (list is null)
            return RespValue.NullBulk;
        Lists.TryParseSide(args[3], out var fromLeft);
        var value = Lists.PopOne(store, args[1], list, fromLeft);
        return Forward(store, PushIn, args[2], value, args[4], args[1], args[3]);
    }

    /// <summary>
    /// __PUSHIN key LEFT|RIGHT [origin side]: pushes a moved value and answers it; onto another
    /// type it goes back to the end of the origin it came from, which answers WRONGTYPE.
    /// </summary>
    public static RespValue PushInto(KeyspaceStore store, byte[][] args)
    {
        var value = (byte[])store.Payload!;
        var returning = args.Length == 3;
        var entry = store.Find(args[1]);
        if (entry is not null && entry.Value is not ListValue && !returning)
            return Forward(store, PushIn, args[3], value, args[4]);
        if (entry is null || entry.Value is ListValue)
        {
            Lists.TryParseSide(args[2], out var left);
            Lists.PushTo(store, args[1], value, left);
        }
        return returning ? RespValue.WrongType : RespValue.Bulk(value);
    }

    /// <summary>__SMOVE source destination member: removes here, adds there.</summary>
    public static RespValue SetMoveOut(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<SetValue>(args[1], out var set))
            return RespValue.WrongType;
        if (set is null || !set.Members.Remove(args[3]))
            return RespValue.Integer(0);
        store.RemoveIfEmpty(args[1], set.Members.Count);
        return Forward(store, AddIn, args[2], args[3], args[1]);
    }

    /// <summary>__ADDIN key [origin]: adds a moved member (1); onto another type it goes back to its origin, which answers WRONGTYPE.</summary>
    public static RespValue AddInto(KeyspaceStore store, byte[][] args)
    {
        var member = (byte[])store.Payload!;
        var returning = args.Length == 2;
        var entry = store.Find(args[1]);
        if (entry is not null && entry.Value is not SetValue && !returning)
            return Forward(store, AddIn, args[2], member);
        if (store.TryGetOrAdd<SetValue>(args[1], out var set))
            set.Members.Set(member, true);
        return returning ? RespValue.WrongType : RespValue.Integer(1);
    }
}

/// <summary>A partition's answer that is not an answer yet: <see cref="Next"/> goes on to another partition, which answers the client.</summary>
internal sealed class ForwardValue(int partition, KeyCommand next) : RespValue
{
    public int Partition { get; } = partition;
    public KeyCommand Next { get; } = next;

    public override void Write(IConnectionContext<RespReply> c) =>
        throw new InvalidOperationException("a forwarded command is not a reply");
}
