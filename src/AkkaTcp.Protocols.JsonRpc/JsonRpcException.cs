namespace AkkaTcp.Protocols.JsonRpc;

/// <summary>Thrown by a method to answer with a JSON-RPC error object.</summary>
public sealed class JsonRpcException(int code, string message) : Exception(message)
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;

    public int Code { get; } = code;
}
