namespace AkkaTcp.Client;

/// <summary>A JSON-RPC 2.0 request: a method and its params (an array, an object, or null), serialised with System.Text.Json.</summary>
public sealed record JsonRpcCall(string Method, object? Params = null);
