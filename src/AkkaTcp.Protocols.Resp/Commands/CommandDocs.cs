using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>COMMAND INFO and COMMAND DOCS replies, derived from a command's <see cref="CommandSpec"/>.</summary>
internal static class CommandDocs
{
    /// <summary>COMMAND and COMMAND INFO without names: every public command's entry, built once (the table is fixed).</summary>
    public static readonly RespValue AllInfo = RespValue.Array(CommandTable.Public.Select(Info).ToArray());

    /// <summary>Redis 7's COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL categories, tips, key specs, subcommands.</summary>
    public static RespValue Info(CommandSpec spec) => RespValue.Array(
    [
        RespValue.Bulk(spec.LowerName),
        RespValue.Integer(spec.Arity),
        RespValue.Array(spec.Flags.Select(flag => RespValue.Simple(flag)).ToArray()),
        RespValue.Integer(spec.FirstKey),
        RespValue.Integer(spec.LastKey),
        RespValue.Integer(spec.Step),
        RespValue.Array([RespValue.Simple("@" + spec.Group)]),
        RespValue.EmptyArray,
        RespValue.EmptyArray,
        RespValue.EmptyArray,
    ]);

    /// <summary>A COMMAND DOCS pair: the name, then summary, since and group.</summary>
    public static IEnumerable<RespValue> Docs(CommandSpec spec)
    {
        yield return RespValue.Bulk(spec.LowerName);
        yield return RespValue.Array(
        [
            RespValue.Bulk("summary"), RespValue.Bulk(spec.Summary),
            RespValue.Bulk("since"), RespValue.Bulk(spec.Since),
            RespValue.Bulk("group"), RespValue.Bulk(spec.Group),
        ]);
    }
}
