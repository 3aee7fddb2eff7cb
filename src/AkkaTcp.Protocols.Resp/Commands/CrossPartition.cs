using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>
/// Multi-key commands whose keys live in different partitions, done by the connection in steps:
/// reads and checks first, then the change — a move goes partition to partition (see
/// <see cref="Moves"/>). While one runs, the connection holds its later commands (as Redis holds a
/// blocked client's), so a pipelined command after a RENAME sees the rename done. Not atomic
/// across partitions: another client may see a renamed key in neither place for a moment; keys
/// that share a hash tag (<c>{user1}:a</c>, <c>{user1}:b</c>) live in one partition and are changed atomically.
/// </summary>
internal static class CrossPartition
{
    private static readonly CommandSpec Exists = CommandTable.Named("EXISTS");
    private static readonly CommandSpec Set = CommandTable.Named("SET");
    private static readonly CommandSpec RenameOut = CommandTable.Named("__RENAME");
    private static readonly CommandSpec ListMoveOut = CommandTable.Named("__LMOVE");
    private static readonly CommandSpec SetMoveOut = CommandTable.Named("__SMOVE");
    private static readonly CommandSpec PushIn = CommandTable.Named("__PUSHIN");
    private static readonly CommandSpec Peek = CommandTable.Named("__PEEK");
    private static readonly CommandSpec Put = CommandTable.Named("__PUT");
    private static readonly CommandSpec Type = CommandTable.Named("TYPE");
    private static readonly CommandSpec Get = CommandTable.Named("GET");
    private static readonly CommandSpec SetPart = CommandTable.Named("__SETPART");

    /// <summary>A step's work: the command, its arguments after the name.</summary>
    private static byte[][] Args(CommandSpec spec, params byte[][] rest) => [spec.NameBytes, .. rest];

    public static void Rename(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var (source, destination) = (command[1].ToArray(), command[2].ToArray());
        var onlyNew = Arg.Is(command[0], "RENAMENX"u8);
        var step = h.BeginSteps(c);
        void Move() => h.AskAlone(RenameOut, Args(RenameOut, source, destination, onlyNew ? "NX"u8.ToArray() : "REPLACE"u8.ToArray()), step.Finish);
        if (!onlyNew)
        {
            Move();
            return;
        }
        h.Ask(Exists, Args(Exists, destination), exists =>
        {
            if (exists is IntegerValue { Value: 1 } || exists.IsError)
            {
                // Redis answers "no such key" for a missing source before looking at the destination.
                h.Ask(Exists, Args(Exists, source), found =>
                    step.Finish(found is IntegerValue { Value: 0 } ? RespValue.NoSuchKey : exists.IsError ? exists : RespValue.Integer(0)));
                return;
            }
            Move();
        });
    }

    public static void Copy(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var args = RespHandler.Copy(command);
        var step = h.BeginSteps(c);
        if (Keys.CopyOptions(args, out var replace) is { } error)
        {
            step.Finish(error);
            return;
        }
        h.Ask(Peek, Args(Peek, args[1]), copy =>
        {
            if (copy is not EntryValue value)
            {
                step.Finish(copy.IsError ? copy : RespValue.Integer(0));
                return;
            }
            h.Ask(Put, Args(Put, args[2], replace ? "REPLACE"u8.ToArray() : "NX"u8.ToArray()), step.Finish, value);
        });
    }

    public static void MSetNx(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var args = RespHandler.Copy(command);
        var step = h.BeginSteps(c);
        var keys = (args.Length - 1) / 2;
        h.AskEach(keys, i => (Exists, Args(Exists, args[1 + 2 * i])), exists =>
        {
            var found = Combine.Sum(h, exists, null);
            if (found is not IntegerValue { Value: 0 })
            {
                step.Finish(found.IsError ? found : RespValue.Integer(0));
                return;
            }
            h.AskEach(keys, i => (Set, Args(Set, args[1 + 2 * i], args[2 + 2 * i])), sets =>
                step.Finish(Combine.FirstError(sets) ?? RespValue.Integer(1)));
        });
    }

    public static void Lcs(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var args = RespHandler.Copy(command);
        var step = h.BeginSteps(c);
        h.AskEach(2, i => (Get, Args(Get, args[1 + i])), values =>
        {
            if (Combine.FirstError(values) is { } error)
            {
                step.Finish(error == RespValue.WrongType ? LongestCommonSubsequence.NotStrings : error);
                return;
            }
            step.Finish(LongestCommonSubsequence.Reply(Bytes(values[0]), Bytes(values[1]), args, h.MaxStringLength));
        });
    }

    private static byte[] Bytes(RespValue value) => value is BulkValue bulk ? bulk.Value : [];

    public static void SetAlgebra(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var args = RespHandler.Copy(command);
        var step = h.BeginSteps(c);
        h.AskEach(args.Length - 1, i => (SetPart, Args(SetPart, args[1 + i])), parts =>
        {
            if (Combine.FirstError(parts) is { } error)
            {
                step.Finish(error);
                return;
            }
            var sets = new List<Commands.SetAlgebra.Members?>(parts.Length);
            foreach (var part in parts)
            {
                if (part is not ArrayValue array)
                {
                    sets.Add(null);
                    continue;
                }
                var members = new HashSet<byte[]>(ByteKeyComparer.Instance);
                foreach (var item in array.Items)
                    members.Add(((BulkValue)item).Value);
                sets.Add(new Commands.SetAlgebra.Members(members));
            }
            step.Finish(Commands.SetAlgebra.Compute(args[0], sets));
        });
    }

    public static void SetMove(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var args = RespHandler.Copy(command);
        var step = h.BeginSteps(c);
        h.AskEach(2, i => (Type, Args(Type, args[1 + i])), types =>
        {
            // As Redis: a missing source answers 0 before either key's type is checked.
            if (Combine.FirstError(types) is { } error || IsTypeOrNone(types[0], "none") || !IsTypeOrNone(types[0], "set") || !IsTypeOrNone(types[1], "set"))
            {
                step.Finish(Combine.FirstError(types) ?? (IsTypeOrNone(types[0], "none") ? RespValue.Integer(0) : RespValue.WrongType));
                return;
            }
            h.AskAlone(SetMoveOut, Args(SetMoveOut, args[1], args[2], args[3]), step.Finish);
        });
    }

    public static void ListMove(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var args = RespHandler.Copy(command);
        bool fromLeft = false, toLeft = true;
        if (args.Length == 5 && (!Lists.TryParseSide(args[3], out fromLeft) || !Lists.TryParseSide(args[4], out toLeft)))
        {
            RespValue.Syntax.Write(c);
            return;
        }
        var step = h.BeginSteps(c);
        h.AskEach(2, i => (Type, Args(Type, args[1 + i])), types =>
        {
            // As Redis: the source first (missing: nil; another type: WRONGTYPE), then the destination's type.
            if (Combine.FirstError(types) is { } error)
            {
                step.Finish(error);
                return;
            }
            if (!IsTypeOrNone(types[0], "list") || !IsTypeOrNone(types[1], "list"))
            {
                step.Finish(IsTypeOrNone(types[0], "none") ? RespValue.NullBulk : RespValue.WrongType);
                return;
            }
            h.AskAlone(ListMoveOut, Args(ListMoveOut, args[1], args[2], Side(fromLeft), Side(toLeft)), step.Finish);
        });
    }

    private static byte[] Side(bool left) => left ? "LEFT"u8.ToArray() : "RIGHT"u8.ToArray();

    /// <summary>BLMOVE's second half: the value popped for the client goes to the destination, or back to where it came from if that holds another type.</summary>
    public static void MoveValue(RespHandler h, byte[] source, bool fromLeft, byte[] destination, bool toLeft, byte[] value, RespHandler.Steps step) =>
        h.AskAlone(PushIn, Args(PushIn, destination, Side(toLeft), source, Side(fromLeft)), step.Finish, value);

    private static bool IsTypeOrNone(RespValue type, string name) =>
        type is SimpleValue simple && (simple.Text is "none" || simple.Text == name);
}
