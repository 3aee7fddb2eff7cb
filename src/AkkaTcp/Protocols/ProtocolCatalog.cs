using AkkaTcp.Configuration;

namespace AkkaTcp.Protocols;

/// <summary>
/// The protocols named in <c>akka-tcp.protocols</c> (name = "Type, Assembly"), resolved and
/// checked at start-up.
/// </summary>
internal sealed class ProtocolCatalog
{
    private readonly Dictionary<string, Type> _types;

    private ProtocolCatalog(Dictionary<string, Type> types) => _types = types;

    public IEnumerable<string> Names => _types.Keys.Order(StringComparer.Ordinal);

    public static ProtocolCatalog Read(ConfigReader protocols)
    {
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var name in protocols.Keys(""))
            types[name] = ConfiguredType.Resolve(protocols.FullKey(name), protocols.String(name), typeof(IProtocol), typeof(ProtocolContext));
        return new ProtocolCatalog(types);
    }

    /// <summary>Creates the named protocol; <paramref name="key"/> is the setting that named it.</summary>
    public IProtocol Create(string name, string key, ProtocolContext context)
    {
        if (!_types.TryGetValue(name, out var type))
            throw new InvalidConfigException(key, name, $"unknown protocol (known: {string.Join(", ", Names)})");
        return ConfiguredType.Create<IProtocol>(key, type, context);
    }
}
