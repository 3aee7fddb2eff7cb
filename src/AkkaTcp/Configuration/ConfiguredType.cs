using System.Reflection;

namespace AkkaTcp.Configuration;

/// <summary>
/// Types named in HOCON as "Namespace.Type, Assembly" (protocols, json-rpc method providers):
/// loaded, checked and instantiated here, every problem an <see cref="InvalidConfigException"/>
/// naming the key.
/// </summary>
internal static class ConfiguredType
{
    /// <summary>Loads <paramref name="typeName"/> and checks it is a concrete <paramref name="contract"/> with the given public constructor.</summary>
    public static Type Resolve(string key, string typeName, Type contract, params Type[] constructorParameters)
    {
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
        if (!contract.IsAssignableFrom(type) || type.IsAbstract)
            throw new InvalidConfigException(key, typeName, $"must be a concrete class implementing {contract.FullName}");
        if (type.GetConstructor(constructorParameters) is null)
        {
            var parameters = constructorParameters.Length == 0 ? "no parameters" : string.Join(", ", constructorParameters.Select(p => p.FullName));
            throw new InvalidConfigException(key, typeName, $"needs a public constructor taking {parameters}");
        }
        return type;
    }

    /// <summary>
    /// Creates an instance. A constructor's own config error passes through; any other failure
    /// becomes a config error, so start-up never ends in a stack trace.
    /// </summary>
    public static T Create<T>(string key, Type type, params object[] arguments)
    {
        try
        {
            return (T)Activator.CreateInstance(type, arguments)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidConfigException invalid)
        {
            throw invalid;
        }
        catch (TargetInvocationException e)
        {
            throw new InvalidConfigException(key, type.FullName, $"its constructor failed: {e.InnerException?.Message}");
        }
    }
}
