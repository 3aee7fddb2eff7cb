using System.Text;
using AkkaTcp.Protocols;
using AkkaTcp.Protocols.Resp;

namespace AkkaTcp.Keyspace;

/// <summary>
/// A reply computed away from the connection (by a keyspace partition, or combined from several):
/// a small immutable value the connection writes as RESP2 in the request's place.
/// </summary>
internal abstract class RespValue
{
    public static readonly RespValue Ok = new SimpleValue("OK"u8.ToArray());
    public static readonly RespValue NullBulk = new NullValue();
    /// <summary>RESP2's null array (*-1), e.g. BLPOP timing out.</summary>
    public static readonly RespValue NullArray = new NullArrayValue();
    public static readonly RespValue EmptyArray = new ArrayValue([]);
    public static readonly RespValue WrongType = new ErrorValue("WRONGTYPE Operation against a key holding the wrong kind of value");
    public static readonly RespValue NotInteger = new ErrorValue("ERR value is not an integer or out of range");
    public static readonly RespValue NotFloat = new ErrorValue("ERR value is not a valid float");
    public static readonly RespValue Syntax = new ErrorValue("ERR syntax error");
    public static readonly RespValue NoSuchKey = new ErrorValue("ERR no such key");
    public static readonly RespValue OutOfRange = new ErrorValue("ERR index out of range");
    public static readonly RespValue MustBePositive = new ErrorValue("ERR value is out of range, must be positive");

    private static readonly RespValue[] SmallIntegers = CreateSmallIntegers();

    public abstract void Write(IConnectionContext<RespReply> c);

    public virtual bool IsError => false;

    public static RespValue Integer(long value) =>
        value is >= -1 and < 1023 ? SmallIntegers[value + 1] : new IntegerValue(value);

    public static RespValue Bulk(byte[]? value) => value is null ? NullBulk : new BulkValue(value);

    public static RespValue Bulk(string text) => new BulkValue(Encoding.UTF8.GetBytes(text));

    public static RespValue Array(RespValue[] items) => items.Length == 0 ? EmptyArray : new ArrayValue(items);

    public static RespValue BulkArray(IReadOnlyList<byte[]> items)
    {
        var values = new RespValue[items.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = new BulkValue(items[i]);
        return Array(values);
    }

    public static RespValue Error(string text) => new ErrorValue(text);

    public static RespValue Simple(string text) => new SimpleValue(Encoding.ASCII.GetBytes(text));

    private static RespValue[] CreateSmallIntegers()
    {
        var values = new RespValue[1024];
        for (var i = 0; i < values.Length; i++)
            values[i] = new IntegerValue(i - 1);
        return values;
    }
}

internal sealed class SimpleValue(byte[] text) : RespValue
{
    public string Text => Encoding.ASCII.GetString(text);

    public override void Write(IConnectionContext<RespReply> c) => c.Reply(RespReply.Simple(text));
}

internal sealed class ErrorValue(string text) : RespValue
{
    private readonly byte[] _bytes = Encoding.UTF8.GetBytes(text);

    public string Text { get; } = text;

    public override bool IsError => true;

    public override void Write(IConnectionContext<RespReply> c) => c.Reply(RespReply.Error(_bytes));
}

internal sealed class IntegerValue(long value) : RespValue
{
    public long Value { get; } = value;

    public override void Write(IConnectionContext<RespReply> c) => c.Reply(RespReply.Number(Value));
}

internal sealed class BulkValue(byte[] value) : RespValue
{
    public byte[] Value { get; } = value;

    public override void Write(IConnectionContext<RespReply> c) => c.Reply(RespReply.Bulk(Value));
}

internal sealed class NullValue : RespValue
{
    public override void Write(IConnectionContext<RespReply> c) => c.Reply(RespReply.Null);
}

internal sealed class NullArrayValue : RespValue
{
    public override void Write(IConnectionContext<RespReply> c) => c.Reply(RespReply.Array(-1));
}

internal sealed class ArrayValue(RespValue[] items) : RespValue
{
    public RespValue[] Items { get; } = items;

    public override void Write(IConnectionContext<RespReply> c)
    {
        c.Reply(RespReply.Array(Items.Length));
        foreach (var item in Items)
            item.Write(c);
    }
}
