using System.Text.Json;
using System.Text.Json.Nodes;

namespace AkkaTcp.Protocols.JsonRpc;

/// <summary>
/// A method: takes the request's params (null when absent) and returns its result, synchronously
/// (a completed ValueTask) or asynchronously. Throw <see cref="JsonRpcException"/> for an error reply.
/// </summary>
public delegate ValueTask<JsonNode?> JsonRpcMethod(JsonElement? parameters);

/// <summary>Adds methods to a json-rpc server; named in HOCON (json-rpc.methods) as "Type, Assembly".</summary>
public interface IJsonRpcMethodProvider
{
    void Register(JsonRpcMethods methods);
}

/// <summary>The methods one json-rpc server answers, by name.</summary>
public sealed class JsonRpcMethods
{
    private readonly Dictionary<string, JsonRpcMethod> _methods = new(StringComparer.Ordinal);

    public void Add(string name, JsonRpcMethod method) => _methods[name] = method;

    public bool TryGet(string name, out JsonRpcMethod method) => _methods.TryGetValue(name, out method!);

    public IEnumerable<string> Names => _methods.Keys;
}
