namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>Every command resp serves, and the internal ones its partitions answer; looked up by name without allocating.</summary>
internal static class CommandTable
{
    public static readonly CommandSpec[] All = Build(
    [
        // Strings
        Key("GET", 2, "readonly fast", "string", "Get the value of a key", Strings.Get),
        Key("SET", -3, "write denyoom", "string", "Set the string value of a key, with an optional expiry and condition", Strings.Set),
        Key("SETNX", 3, "write denyoom fast", "string", "Set a key only if it does not exist", Strings.SetNx),
        Key("SETEX", 4, "write denyoom", "string", "Set a key with an expiry in seconds", Strings.SetWithExpiry, since: "2.0.0"),
        Key("PSETEX", 4, "write denyoom", "string", "Set a key with an expiry in milliseconds", Strings.SetWithExpiry, since: "2.6.0"),
        Key("GETEX", -2, "write fast", "string", "Get a key and set or remove its expiry", Strings.GetEx, since: "6.2.0"),
        Key("GETDEL", 2, "write fast", "string", "Get a key and delete it", Strings.GetDel, since: "6.2.0"),
        Key("GETSET", 3, "write denyoom fast", "string", "Set a key and return its old value", Strings.GetSet),
        Each("MGET", -2, "readonly fast", "string", "Get the values of several keys", step: 1, part: "__MGETPART", combine: Combine.Values),
        Each("MSET", -3, "write denyoom", "string", "Set several keys", step: 2, part: "__MSETPART", combine: Combine.Ok, since: "1.0.1"),
        Multi("MSETNX", -3, "write denyoom", "string", "Set several keys only if none exists", Strings.MSetNx, CrossPartition.MSetNx, 1, -1, 2, since: "1.0.1"),
        Key("INCR", 2, "write denyoom fast", "string", "Increment an integer value by one", Strings.IncrementBy),
        Key("DECR", 2, "write denyoom fast", "string", "Decrement an integer value by one", Strings.IncrementBy),
        Key("INCRBY", 3, "write denyoom fast", "string", "Increment an integer value", Strings.IncrementBy),
        Key("DECRBY", 3, "write denyoom fast", "string", "Decrement an integer value", Strings.IncrementBy),
        Key("INCRBYFLOAT", 3, "write denyoom fast", "string", "Increment a floating point value", Strings.IncrementByFloat, since: "2.6.0"),
        Key("APPEND", 3, "write denyoom fast", "string", "Append to a string", Strings.Append, since: "2.0.0"),
        Key("STRLEN", 2, "readonly fast", "string", "The length of a string", Strings.Length, since: "2.2.0"),
        Key("GETRANGE", 4, "readonly", "string", "A substring of a string", Strings.GetRange, since: "2.4.0"),
        Key("SUBSTR", 4, "readonly", "string", "A substring of a string (old name of GETRANGE)", Strings.GetRange),
        Key("SETRANGE", 4, "write denyoom", "string", "Overwrite part of a string", Strings.SetRange, since: "2.2.0"),
        Multi("LCS", -3, "readonly", "string", "The longest common subsequence of two strings", Strings.Lcs, CrossPartition.Lcs, 1, 2, 1, since: "7.0.0"),
        Key("SETBIT", 4, "write denyoom", "bitmap", "Set or clear a bit", Bits.SetBit, since: "2.2.0"),
        Key("GETBIT", 3, "readonly fast", "bitmap", "Get a bit", Bits.GetBit, since: "2.2.0"),
        Key("BITCOUNT", -2, "readonly", "bitmap", "Count set bits", Bits.BitCount, since: "2.6.0"),
        Key("BITPOS", -3, "readonly", "bitmap", "The first bit set or clear", Bits.BitPos, since: "2.8.7"),

        // Keyspace and expiry
        Each("DEL", -2, "write", "generic", "Delete keys", step: 1, part: null, combine: Combine.Sum, run: Keys.Delete),
        Each("UNLINK", -2, "write fast", "generic", "Delete keys", step: 1, part: "DEL", combine: Combine.Sum, since: "4.0.0"),
        Each("EXISTS", -2, "readonly fast", "generic", "Count the keys that exist", step: 1, part: null, combine: Combine.Sum, run: Keys.Exists),
        Each("TOUCH", -2, "readonly fast", "generic", "Mark keys as used, counting those that exist", step: 1, part: null, combine: Combine.Sum, run: Keys.Exists, since: "3.2.1"),
        Key("TYPE", 2, "readonly fast", "generic", "The type of a key's value", Keys.Type),
        Key("EXPIRE", -3, "write fast", "generic", "Set a key's time to live in seconds", Expiry.Expire),
        Key("PEXPIRE", -3, "write fast", "generic", "Set a key's time to live in milliseconds", Expiry.Expire, since: "2.6.0"),
        Key("EXPIREAT", -3, "write fast", "generic", "Set a key's expiry as a Unix time in seconds", Expiry.Expire, since: "1.2.0"),
        Key("PEXPIREAT", -3, "write fast", "generic", "Set a key's expiry as a Unix time in milliseconds", Expiry.Expire, since: "2.6.0"),
        Key("TTL", 2, "readonly fast", "generic", "A key's time to live in seconds", Expiry.Ttl),
        Key("PTTL", 2, "readonly fast", "generic", "A key's time to live in milliseconds", Expiry.Ttl, since: "2.6.0"),
        Key("EXPIRETIME", 2, "readonly fast", "generic", "A key's expiry as a Unix time in seconds", Expiry.ExpireTime, since: "7.0.0"),
        Key("PEXPIRETIME", 2, "readonly fast", "generic", "A key's expiry as a Unix time in milliseconds", Expiry.ExpireTime, since: "7.0.0"),
        Key("PERSIST", 2, "write fast", "generic", "Remove a key's expiry", Expiry.Persist, since: "2.2.0"),
        Multi("RENAME", 3, "write", "generic", "Rename a key", Keys.Rename, CrossPartition.Rename, 1, 2, 1),
        Multi("RENAMENX", 3, "write fast", "generic", "Rename a key if the new name is free", Keys.Rename, CrossPartition.Rename, 1, 2, 1),
        Multi("COPY", -3, "write denyoom", "generic", "Copy a key", Keys.Copy, CrossPartition.Copy, 1, 2, 1, since: "6.2.0"),
        Key("OBJECT", -2, "readonly", "generic", "Inspect a key's value: ENCODING, REFCOUNT, IDLETIME, FREQ", Keys.Object, first: 2, last: 2, since: "2.2.3"),
        Everywhere("RANDOMKEY", 1, "readonly", "generic", "A random key", Keys.Random, Combine.RandomKey),
        new CommandSpec { Name = "SCAN", Arity = -2, Flags = Split("readonly"), Group = "generic", Summary = "Iterate over the keys", Since = "2.8.0", Route = CommandRoute.Scan, InPartition = Keys.Scan },
        Everywhere("KEYS", 2, "readonly", "generic", "The keys matching a pattern", Keys.List, Combine.Concat),
        Everywhere("DBSIZE", 1, "readonly fast", "server", "The number of keys", Keys.Count, Combine.Sum),
        Everywhere("FLUSHALL", -1, "write", "server", "Delete every key", Keys.Flush, Combine.Ok),
        Everywhere("FLUSHDB", -1, "write", "server", "Delete every key", Keys.Flush, Combine.Ok),

        // Hashes
        Key("HSET", -4, "write denyoom fast", "hash", "Set hash fields", Hashes.Set, since: "2.0.0"),
        Key("HMSET", -4, "write denyoom fast", "hash", "Set hash fields (old form of HSET)", Hashes.Set, since: "2.0.0"),
        Key("HSETNX", 4, "write denyoom fast", "hash", "Set a hash field only if it does not exist", Hashes.SetNx, since: "2.0.0"),
        Key("HGET", 3, "readonly fast", "hash", "Get a hash field", Hashes.Get, since: "2.0.0"),
        Key("HMGET", -3, "readonly fast", "hash", "Get hash fields", Hashes.MGet, since: "2.0.0"),
        Key("HDEL", -3, "write fast", "hash", "Delete hash fields", Hashes.Delete, since: "2.0.0"),
        Key("HLEN", 2, "readonly fast", "hash", "The number of fields of a hash", Hashes.Length, since: "2.0.0"),
        Key("HEXISTS", 3, "readonly fast", "hash", "Whether a hash field exists", Hashes.Exists, since: "2.0.0"),
        Key("HKEYS", 2, "readonly", "hash", "The fields of a hash", Hashes.All, since: "2.0.0"),
        Key("HVALS", 2, "readonly", "hash", "The values of a hash", Hashes.All, since: "2.0.0"),
        Key("HGETALL", 2, "readonly", "hash", "The fields and values of a hash", Hashes.All, since: "2.0.0"),
        Key("HINCRBY", 4, "write denyoom fast", "hash", "Increment an integer hash field", Hashes.IncrementBy, since: "2.0.0"),
        Key("HINCRBYFLOAT", 4, "write denyoom fast", "hash", "Increment a floating point hash field", Hashes.IncrementByFloat, since: "2.6.0"),
        Key("HSTRLEN", 3, "readonly fast", "hash", "The length of a hash field's value", Hashes.StringLength, since: "3.2.0"),
        Key("HRANDFIELD", -2, "readonly", "hash", "Random fields of a hash", Hashes.RandomField, since: "6.2.0"),
        Key("HSCAN", -3, "readonly", "hash", "Iterate over a hash's fields", Hashes.Scan, since: "2.8.0"),

        // Lists
        Key("LPUSH", -3, "write denyoom fast", "list", "Prepend values to a list", Lists.Push),
        Key("RPUSH", -3, "write denyoom fast", "list", "Append values to a list", Lists.Push),
        Key("LPUSHX", -3, "write denyoom fast", "list", "Prepend values to an existing list", Lists.Push, since: "2.2.0"),
        Key("RPUSHX", -3, "write denyoom fast", "list", "Append values to an existing list", Lists.Push, since: "2.2.0"),
        Key("LPOP", -2, "write fast", "list", "Remove and return the first values of a list", Lists.Pop),
        Key("RPOP", -2, "write fast", "list", "Remove and return the last values of a list", Lists.Pop),
        Key("LLEN", 2, "readonly fast", "list", "The length of a list", Lists.Length),
        Key("LRANGE", 4, "readonly", "list", "A range of a list", Lists.Range),
        Key("LINDEX", 3, "readonly", "list", "A value of a list by index", Lists.Index),
        Key("LSET", 4, "write denyoom", "list", "Set a value of a list by index", Lists.SetIndex),
        Key("LINSERT", 5, "write denyoom", "list", "Insert a value before or after another", Lists.Insert, since: "2.2.0"),
        Key("LREM", 4, "write", "list", "Remove values from a list", Lists.Remove),
        Key("LTRIM", 4, "write", "list", "Keep only a range of a list", Lists.Trim),
        Key("LPOS", -3, "readonly", "list", "The indexes of matching values", Lists.Position, since: "6.0.6"),
        Multi("LMOVE", 5, "write denyoom", "list", "Pop from one list and push to another", Lists.Move, CrossPartition.ListMove, 1, 2, 1, since: "6.2.0"),
        Multi("RPOPLPUSH", 3, "write denyoom", "list", "Pop from the end of one list and push to the head of another", Lists.Move, CrossPartition.ListMove, 1, 2, 1, since: "1.2.0"),
        Blocking("BLPOP", -3, "Pop the first value of the first non-empty list, or wait for one", 1, -2, "2.0.0"),
        Blocking("BRPOP", -3, "Pop the last value of the first non-empty list, or wait for one", 1, -2, "2.0.0"),
        Blocking("BLMOVE", 6, "Pop from one list and push to another, or wait for a value", 1, 2, "6.2.0"),
        Blocking("BRPOPLPUSH", 4, "Pop from the end of one list and push to another, or wait", 1, 2, "2.2.0"),

        // Sets
        Key("SADD", -3, "write denyoom fast", "set", "Add members to a set", Sets.Add),
        Key("SREM", -3, "write fast", "set", "Remove members from a set", Sets.Remove),
        Key("SMEMBERS", 2, "readonly", "set", "The members of a set", Sets.Members),
        Key("SISMEMBER", 3, "readonly fast", "set", "Whether a value is a member", Sets.IsMember),
        Key("SMISMEMBER", -3, "readonly fast", "set", "Whether values are members", Sets.AreMembers, since: "6.2.0"),
        Key("SCARD", 2, "readonly fast", "set", "The number of members of a set", Sets.Cardinality),
        Key("SPOP", -2, "write fast", "set", "Remove and return random members", Sets.Pop),
        Key("SRANDMEMBER", -2, "readonly", "set", "Random members of a set", Sets.RandomMember),
        Multi("SINTER", -2, "readonly", "set", "The intersection of sets", Sets.Algebra, CrossPartition.SetAlgebra, 1, -1, 1),
        Multi("SUNION", -2, "readonly", "set", "The union of sets", Sets.Algebra, CrossPartition.SetAlgebra, 1, -1, 1),
        Multi("SDIFF", -2, "readonly", "set", "The members of the first set not in the others", Sets.Algebra, CrossPartition.SetAlgebra, 1, -1, 1),
        Multi("SMOVE", 4, "write fast", "set", "Move a member between sets", Sets.Move, CrossPartition.SetMove, 1, 2, 1),
        Key("SSCAN", -3, "readonly", "set", "Iterate over a set's members", Sets.Scan, since: "2.8.0"),

        // Connection and server
        Local("PING", -1, "fast", "connection", "Ping the server", ServerCommands.Ping),
        Local("ECHO", 2, "fast", "connection", "Echo the argument", ServerCommands.Echo),
        Local("SELECT", 2, "fast", "connection", "Select a database (only 0)", ServerCommands.Select),
        Local("QUIT", -1, "fast", "connection", "Close the connection", ServerCommands.Quit),
        Local("HELLO", -1, "fast", "connection", "Handshake (RESP2)", ServerCommands.Hello, since: "6.0.0"),
        Local("CLIENT", -2, "", "connection", "Connection commands: LIST, INFO, KILL, ID, SETNAME, GETNAME, NO-EVICT, NO-TOUCH", ServerCommands.Client, since: "2.4.0"),
        Local("INFO", -1, "", "server", "Information and statistics about the server", ServerCommands.Info),
        Local("CONFIG", -2, "", "server", "Server configuration: GET, SET, RESETSTAT", ServerCommands.Config, since: "2.0.0"),
        Local("COMMAND", -1, "", "server", "The command table: COUNT, INFO, DOCS, LIST", ServerCommands.Command, since: "2.8.13"),
        Local("TIME", 1, "fast", "server", "The server's time", ServerCommands.Time, since: "2.6.0"),
        Local("RESET", 1, "fast", "connection", "Reset the connection: leave every channel and pattern, end NO-EVICT and NO-TOUCH", RespHandler.Reset, since: "6.2.0"),

        // Pub/sub
        Local("SUBSCRIBE", -2, "pubsub fast", "pubsub", "Listen for messages published to channels", RespHandler.Subscribe, since: "2.0.0"),
        Local("UNSUBSCRIBE", -1, "pubsub fast", "pubsub", "Stop listening to channels (all when none is named)", RespHandler.Unsubscribe, since: "2.0.0"),
        Local("PSUBSCRIBE", -2, "pubsub fast", "pubsub", "Listen for messages published to channels matching patterns", RespHandler.PatternSubscribe, since: "2.0.0"),
        Local("PUNSUBSCRIBE", -1, "pubsub fast", "pubsub", "Stop listening to patterns (all when none is named)", RespHandler.PatternUnsubscribe, since: "2.0.0"),
        Local("PUBLISH", 3, "pubsub fast", "pubsub", "Post a message to a channel", RespHandler.PublishCommand, since: "2.0.0"),
        Local("PUBSUB", -2, "pubsub", "pubsub", "Pub/sub state: CHANNELS, NUMSUB, NUMPAT", RespHandler.PubSubCommand, since: "2.8.0"),

        // Internal: parts of commands spread over partitions
        Internal("__MGETPART", Strings.GetOrNil),
        Internal("__MSETPART", Strings.SetPairs, "write denyoom", lastKey: -1, step: 2),
        Internal("__PEEK", Keys.Peek),
        Internal("__PUT", Keys.Put, "write denyoom"),
        Internal("__RENAME", Moves.RenameOut, "write"),
        Internal("__PUTIN", Moves.PutInto, "write"),
        Internal("__LMOVE", Moves.ListMoveOut, "write"),
        Internal("__PUSHIN", Moves.PushInto, "write"),
        Internal("__SMOVE", Moves.SetMoveOut, "write"),
        Internal("__ADDIN", Moves.AddInto, "write"),
        Internal("__SETPART", Sets.MembersOrNil),
        Internal("__DESCRIBE", Keys.Describe),
        Internal("__RESETSTAT", Keys.ResetStats),
    ]);

    private static readonly CommandSpec?[][] Buckets = Bucket(All);

    /// <summary>The command named <paramref name="name"/> (any case), internal ones excluded; null if none.</summary>
    public static CommandSpec? Find(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > 31)
            return null;
        foreach (var spec in Buckets[BucketOf(name)])
        {
            if (spec!.NameBytes.Length == name.Length && Arg.Is(name, spec.NameBytes))
                return spec;
        }
        return null;
    }

    /// <summary>An internal or public command by its exact upper-case name (for the connection's own use).</summary>
    public static CommandSpec Named(string name) => All.First(spec => spec.Name == name);

    /// <summary>The commands a client may call (COMMAND, COMMAND COUNT).</summary>
    public static IEnumerable<CommandSpec> Public => All.Where(spec => !spec.Internal);

    private static int BucketOf(ReadOnlySpan<byte> name) => name.Length * 32 + (name[0] & 0x1F);

    private static CommandSpec?[][] Bucket(CommandSpec[] all)
    {
        var buckets = new List<CommandSpec>[32 * 32];
        foreach (var spec in all.Where(spec => !spec.Internal))
            (buckets[BucketOf(spec.NameBytes)] ??= []).Add(spec);
        return Array.ConvertAll(buckets, bucket => bucket is null ? [] : bucket.ToArray<CommandSpec?>());
    }

    private static CommandSpec[] Build(CommandSpec[] specs)
    {
        for (var i = 0; i < specs.Length; i++)
            specs[i].Index = i;
        return specs;
    }

    private static string[] Split(string flags) => flags.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static CommandSpec Key(string name, int arity, string flags, string group, string summary, PartitionCommand run, int first = 1, int last = 1, string since = "1.0.0") =>
        new() { Name = name, Arity = arity, Flags = Split(flags), FirstKey = first, LastKey = last, Step = 1, Group = group, Summary = summary, Since = since, Route = CommandRoute.Key, InPartition = run };

    private static CommandSpec Each(string name, int arity, string flags, string group, string summary, int step, string? part, CombineReplies combine, PartitionCommand? run = null, string since = "1.0.0") =>
        new() { Name = name, Arity = arity, Flags = Split(flags), FirstKey = 1, LastKey = -1, Step = step, Group = group, Summary = summary, Since = since, Route = CommandRoute.EachKey, PartCommand = part, Combine = combine, InPartition = run };

    private static CommandSpec Multi(string name, int arity, string flags, string group, string summary, PartitionCommand run, ConnectionCommand coordinate, int first, int last, int step, string since = "1.0.0") =>
        new() { Name = name, Arity = arity, Flags = Split(flags), FirstKey = first, LastKey = last, Step = step, Group = group, Summary = summary, Since = since, Route = CommandRoute.MultiKey, InPartition = run, OnConnection = coordinate };

    private static CommandSpec Everywhere(string name, int arity, string flags, string group, string summary, PartitionCommand run, CombineReplies combine) =>
        new() { Name = name, Arity = arity, Flags = Split(flags), Group = group, Summary = summary, Route = CommandRoute.AllPartitions, InPartition = run, Combine = combine };

    private static CommandSpec Blocking(string name, int arity, string summary, int first, int last, string since) =>
        new() { Name = name, Arity = arity, Flags = Split("write blocking"), FirstKey = first, LastKey = last, Step = 1, Group = "list", Summary = summary, Since = since, Route = CommandRoute.Blocking };

    private static CommandSpec Local(string name, int arity, string flags, string group, string summary, ConnectionCommand run, string since = "1.0.0") =>
        new() { Name = name, Arity = arity, Flags = Split(flags), Group = group, Summary = summary, Since = since, Route = CommandRoute.Connection, OnConnection = run };

    private static CommandSpec Internal(string name, PartitionCommand run, string flags = "", int lastKey = 1, int step = 1) =>
        new() { Name = name, Arity = -2, Flags = Split(flags), FirstKey = 1, LastKey = lastKey, Step = step, Group = "internal", Summary = "", Route = CommandRoute.Key, InPartition = run, Internal = true };
}
