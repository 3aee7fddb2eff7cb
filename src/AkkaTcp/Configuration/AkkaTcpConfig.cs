using Akka.Configuration;

namespace AkkaTcp.Configuration;

/// <summary>
/// The library's embedded reference configuration (reference.conf) and the ways a user's
/// HOCON is parsed and merged over it. Parse errors become <see cref="InvalidConfigException"/>.
/// </summary>
public static class AkkaTcpConfig
{
    private static readonly Lazy<Config> ReferenceConfig = new(LoadReference);

    /// <summary>Every key AkkaTcp reads, with its default, plus the Akka settings it relies on.</summary>
    public static Config Reference => ReferenceConfig.Value;

    /// <summary>The user's configuration with the reference configuration as fallback.</summary>
    public static Config WithDefaults(Config user) => user.WithFallback(Reference);

    public static Config ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidConfigException($"cannot read config file {path}: {e.Message}", e);
        }
        return Parse(text, $"config file {path}");
    }

    /// <summary>Parses HOCON text; <paramref name="origin"/> names it in the error message.</summary>
    public static Config Parse(string hocon, string origin)
    {
        if (HoconStructureCheck.FindError(hocon) is { } structureError)
            throw new InvalidConfigException($"cannot parse {origin}: {structureError}", new FormatException(structureError));
        try
        {
            return ConfigurationFactory.ParseString(hocon);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // HOCON parse errors come as several exception types; all mean the same to a user.
            throw new InvalidConfigException($"cannot parse {origin}: {OneLine(e.Message)}", e);
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static Config LoadReference()
    {
        using var stream = typeof(AkkaTcpConfig).Assembly.GetManifestResourceStream("AkkaTcp.reference.conf")
            ?? throw new InvalidOperationException("AkkaTcp.reference.conf is not embedded in the AkkaTcp assembly");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd()).WithFallback(ConnectionThreads());
    }

    /// <summary>
    /// Threads of a dedicated pool connections run on, when the configuration sets none: one per
    /// core the process may use (ProcessorCount honours CPU affinity), at least 2 so that one busy
    /// connection never holds up all others.
    /// </summary>
    public static int ConnectionPoolThreads => Math.Max(2, Environment.ProcessorCount);

    private static Config ConnectionThreads() => ConfigurationFactory.ParseString(
        $"akka-tcp.connection-dispatcher.dedicated-thread-pool.thread-count = {ConnectionPoolThreads}");
}
