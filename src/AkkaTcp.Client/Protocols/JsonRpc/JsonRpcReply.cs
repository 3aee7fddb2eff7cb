using System.Text.Json;

namespace AkkaTcp.Client;

/// <summary>A JSON-RPC 2.0 response: its result, or its error (code, message, data).</summary>
public sealed record JsonRpcReply(long Id, JsonElement? Result, JsonRpcRemoteException? Error);
