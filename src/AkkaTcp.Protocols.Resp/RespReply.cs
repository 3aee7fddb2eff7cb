namespace AkkaTcp.Protocols.Resp;

/// <summary>The kinds of RESP2 reply.</summary>
public enum RespReplyKind
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Null,
    ArrayHeader,
}

/// <summary>
/// One RESP2 reply (an array is its header followed by one reply per element). A ref struct over
/// the bytes to send, so replying copies them once, into the connection's output.
/// </summary>
public readonly ref struct RespReply
{
    private RespReply(RespReplyKind kind, ReadOnlySpan<byte> bytes, long integer)
    {
        Kind = kind;
        Bytes = bytes;
        Integer = integer;
    }

    public RespReplyKind Kind { get; }
    public ReadOnlySpan<byte> Bytes { get; }
    public long Integer { get; }

    public static RespReply Simple(ReadOnlySpan<byte> text) => new(RespReplyKind.SimpleString, text, 0);
    public static RespReply Error(ReadOnlySpan<byte> text) => new(RespReplyKind.Error, text, 0);
    public static RespReply Number(long value) => new(RespReplyKind.Integer, default, value);
    public static RespReply Bulk(ReadOnlySpan<byte> value) => new(RespReplyKind.BulkString, value, 0);
    public static RespReply Null => new(RespReplyKind.Null, default, 0);
    public static RespReply Array(long count) => new(RespReplyKind.ArrayHeader, default, count);
}
