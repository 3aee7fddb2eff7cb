using System.Text.Json;

namespace AkkaTcp.Client;

/// <summary>The server answered with a JSON-RPC error object (e.g. -32601 method not found).</summary>
public sealed class JsonRpcRemoteException(int code, string message, JsonElement? data)
    : Exception($"{message} (code {code})")
{
    public int Code { get; } = code;

    public JsonElement? ErrorData { get; } = data;
}
