using System.Reflection;
using AkkaTcp.Configuration;

namespace AkkaTcp.Protocols.JsonRpc;

/// <summary>
/// JSON-RPC 2.0 over newline-delimited JSON: requests, notifications, batches and the standard
/// error codes. Methods may answer asynchronously; replies then go out in completion order,
/// matched by id, so one connection carries many calls at once.
/// </summary>
public sealed class JsonRpcProtocol : LineProtocol
{
    private readonly JsonRpcMethods _methods = new();

    public JsonRpcProtocol(ProtocolContext context) : base(context)
    {
        new BuiltInMethods().Register(_methods);
        var section = context.Config.Section("json-rpc");
        foreach (var typeName in section.StringList("methods"))
            LoadProvider(section.FullKey("methods"), typeName).Register(_methods);
    }

    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) =>
        new JsonRpcHandler(_methods);

    private static IJsonRpcMethodProvider LoadProvider(string key, string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: false);
        if (type is null || !typeof(IJsonRpcMethodProvider).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            throw new InvalidConfigException(key, typeName, $"must name a class with a public parameterless constructor implementing {typeof(IJsonRpcMethodProvider).FullName}");
        try
        {
            return (IJsonRpcMethodProvider)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e)
        {
            throw new InvalidConfigException(key, typeName, $"its constructor failed: {e.InnerException?.Message}");
        }
    }
}
