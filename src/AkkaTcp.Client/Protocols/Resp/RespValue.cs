using System.Text;

namespace AkkaTcp.Client;

/// <summary>The kinds of RESP2 reply.</summary>
public enum RespKind
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,

    /// <summary>A null bulk string or null array ($-1 / *-1).</summary>
    Null,
}

/// <summary>One RESP2 reply, owned (not a slice of the connection's buffer).</summary>
public sealed class RespValue
{
    private RespValue(RespKind kind, string? text = null, long integer = 0, byte[]? bytes = null, IReadOnlyList<RespValue>? items = null)
    {
        Kind = kind;
        Text = text;
        Integer = integer;
        Bytes = bytes;
        Items = items;
    }

    public static RespValue Null { get; } = new(RespKind.Null);

    public RespKind Kind { get; }

    /// <summary>The text of a simple string or error.</summary>
    public string? Text { get; }

    public long Integer { get; }

    /// <summary>The bytes of a bulk string.</summary>
    public byte[]? Bytes { get; }

    public IReadOnlyList<RespValue>? Items { get; }

    public bool IsError => Kind == RespKind.Error;

    public static RespValue Simple(string text) => new(RespKind.SimpleString, text);

    public static RespValue Error(string text) => new(RespKind.Error, text);

    public static RespValue Number(long value) => new(RespKind.Integer, integer: value);

    public static RespValue Bulk(byte[] bytes) => new(RespKind.BulkString, bytes: bytes);

    public static RespValue Array(IReadOnlyList<RespValue> items) => new(RespKind.Array, items: items);

    /// <summary>A simple or bulk string as text (UTF-8), an integer in decimal, null for null.</summary>
    public string? AsString() => Kind switch
    {
        RespKind.SimpleString or RespKind.Error => Text,
        RespKind.BulkString => Encoding.UTF8.GetString(Bytes!),
        RespKind.Integer => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        RespKind.Error => $"(error) {Text}",
        RespKind.Array => $"[{string.Join(", ", Items!)}]",
        RespKind.Null => "(nil)",
        _ => AsString()!,
    };
}
