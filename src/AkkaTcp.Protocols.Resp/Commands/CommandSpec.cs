using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>Runs a command in a keyspace partition: args[0] is its name; answers its reply.</summary>
internal delegate RespValue PartitionCommand(KeyspaceStore store, byte[][] args);

/// <summary>Runs a command on the connection (no key, or work spread over partitions).</summary>
internal delegate void ConnectionCommand(RespHandler handler, RespCommand command, IConnectionContext<RespReply> c);

/// <summary>
/// Combines the replies of the parts a command was split into (one per partition) into the
/// client's reply; <paramref name="positions"/>[i] are the request's key numbers part i carried
/// (null when every partition got the whole command).
/// </summary>
internal delegate RespValue CombineReplies(RespHandler handler, RespValue[] replies, int[][]? positions);

/// <summary>Where a command runs.</summary>
internal enum CommandRoute
{
    /// <summary>On the connection: <see cref="CommandSpec.OnConnection"/>.</summary>
    Connection,
    /// <summary>In the partition of its key (at FirstKey): <see cref="CommandSpec.InPartition"/>.</summary>
    Key,
    /// <summary>Split by partition: each partition gets one command with its keys (and values, with Step 2), then combined.</summary>
    EachKey,
    /// <summary>Sent to every partition, then combined.</summary>
    AllPartitions,
    /// <summary>Several keys: in their partition when they share one, else coordinated by the connection (<see cref="CommandSpec.OnConnection"/>).</summary>
    MultiKey,
    /// <summary>A blocking list pop (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH).</summary>
    Blocking,
    /// <summary>SCAN: the partition its cursor names.</summary>
    Scan,
}

/// <summary>
/// One command: the one place it is declared. Its name, arity (negative = at least), flags and key
/// positions drive dispatch and arity errors and are what COMMAND, COMMAND INFO and COMMAND DOCS
/// report; its route says where it runs.
/// </summary>
internal sealed class CommandSpec
{
    public required string Name { get; init; }
    public required int Arity { get; init; }
    public required string[] Flags { get; init; }
    public int FirstKey { get; init; }
    public int LastKey { get; init; }
    public int Step { get; init; }
    public required string Group { get; init; }
    public required string Summary { get; init; }
    public string Since { get; init; } = "1.0.0";
    public required CommandRoute Route { get; init; }
    public PartitionCommand? InPartition { get; init; }
    public ConnectionCommand? OnConnection { get; init; }
    public CombineReplies? Combine { get; init; }
    /// <summary>EachKey: the command each partition's part runs, when not this one (MGET's parts read another type as nil).</summary>
    public string? PartCommand { get; init; }
    /// <summary>Only sent between the connection and partitions; clients cannot call it and COMMAND does not list it.</summary>
    public bool Internal { get; init; }

    /// <summary>Its place in the table: what a keyspace message names it by.</summary>
    public int Index { get; set; }

    /// <summary>The lower-case name, the operation tag of request durations and COMMAND's name.</summary>
    public string LowerName => field ??= Name.ToLowerInvariant();

    public byte[] NameBytes => field ??= System.Text.Encoding.ASCII.GetBytes(Name);

    /// <summary>May add memory: refused with -OOM when the keyspace is full and nothing may be evicted.</summary>
    public bool DenyOom => _denyOom ??= Array.IndexOf(Flags, "denyoom") >= 0;

    /// <summary>Redis's write flag: the command may change a key (its partition's next snapshot is due).</summary>
    public bool Write => _write ??= Array.IndexOf(Flags, "write") >= 0;

    private bool? _write;

    private bool? _denyOom;

    public bool ArityFits(int count) => Arity >= 0 ? count == Arity : count >= -Arity;

    /// <summary>The key positions of a request of <paramref name="count"/> arguments (Redis's first, last, step).</summary>
    public IEnumerable<int> KeyPositions(int count)
    {
        if (FirstKey == 0)
            yield break;
        var last = LastKey < 0 ? count + LastKey : LastKey;
        for (var i = FirstKey; i <= last && i < count; i += Step)
            yield return i;
    }
}
