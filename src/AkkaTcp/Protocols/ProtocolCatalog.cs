using System.Reflection;
using AkkaTcp.Configuration;

namespace AkkaTcp.Protocols;

/// <summary>
/// The protocols named in <c>akka-tcp.protocols</c> (name = "Type, Assembly"), resolved and
/// checked at start-up.
/// </summary>
public sealed class ProtocolCatalog
{
    private readonly Dictionary<string, Type> _types;

    private ProtocolCatalog(Dictionary<string, Type> types) => _types = types;

    public IEnumerable<string> Names => _types.Keys.Order(StringComparer.Ordinal);

    public static ProtocolCatalog Read(ConfigReader protocols)
    {
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var name in protocols.Keys(""))
        {
            var typeName = protocols.String(name);
            var key = protocols.FullKey(name);
            Type? type;
            try
            {
                type = Type.GetType(typeName, throwOnError: false);
            }
            catch (Exception e) when (e is FileLoadException or BadImageFormatException or ArgumentException)
            {
                throw new InvalidConfigException(key, typeName, $"cannot load the type: {e.Message}");
            }
            if (type is null)
                throw new InvalidConfigException(key, typeName, "no such type (write \"Namespace.Type, Assembly\")");
            if (!typeof(IProtocol).IsAssignableFrom(type) || type.IsAbstract)
                throw new InvalidConfigException(key, typeName, $"must be a concrete class implementing {typeof(IProtocol).FullName}");
            if (type.GetConstructor([typeof(ProtocolContext)]) is null)
                throw new InvalidConfigException(key, typeName, $"needs a public constructor taking {typeof(ProtocolContext).FullName}");
            types[name] = type;
        }
        return new ProtocolCatalog(types);
    }

    /// <summary>Creates the named protocol; <paramref name="key"/> is the setting that named it.</summary>
    public IProtocol Create(string name, string key, ProtocolContext context)
    {
        if (!_types.TryGetValue(name, out var type))
            throw new InvalidConfigException(key, name, $"unknown protocol (known: {string.Join(", ", Names)})");
        try
        {
            return (IProtocol)Activator.CreateInstance(type, context)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidConfigException invalid)
        {
            throw invalid;
        }
    }
}
