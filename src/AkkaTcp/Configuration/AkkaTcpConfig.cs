using System.Collections.Concurrent;
using Akka.Configuration;

namespace AkkaTcp.Configuration;

/// <summary>
/// The library's embedded reference configuration (reference.conf) and the ways a user's
/// HOCON is parsed and merged over it. Parse errors become <see cref="InvalidConfigException"/>.
/// </summary>
public static class AkkaTcpConfig
{
    private static readonly Lazy<Config> ReferenceConfig = new(LoadReference);
    private static readonly ConcurrentDictionary<string, string?> ProtocolReferenceTexts = new();

    /// <summary>
    /// Every key AkkaTcp reads, with its default, plus the Akka settings it relies on: the
    /// library's reference.conf and those of the protocols it names (resp, json-rpc, file).
    /// </summary>
    public static Config Reference => ReferenceConfig.Value;

    /// <summary>
    /// Runs the actor system as the console host does (library README, "Where actors run"): the
    /// default dispatcher, where Akka.IO's actors always are, with the inline executor and the
    /// compact mailbox (Akka.IO's connection actors too); the connection actors on it; Akka's
    /// loggers on its internal dispatcher.
    /// Use as a fallback below the application's own settings, with
    /// <see cref="InlineSocketCompletions.EnableUnlessSet"/> called first.
    /// </summary>
    public static Config InlineExecution { get; } = ConfigurationFactory.ParseString("""
        akka.actor.default-dispatcher {
          type = Dispatcher
          executor = "AkkaTcp.Runtime.InlineExecutorConfigurator, AkkaTcp"
          throughput = 100
        }
        akka.actor.default-mailbox.mailbox-type = "AkkaTcp.Runtime.CompactMailbox, AkkaTcp"
        # Akka.IO's connection actors require unbounded semantics, which Akka would meet with its
        # ConcurrentQueue mailbox (1 KiB per idle connection); the compact mailbox is unbounded too.
        akka.actor.mailbox.requirements."Akka.Dispatch.IUnboundedMessageQueueSemantics" = akka.actor.default-mailbox
        akka.loggers-dispatcher = "akka.actor.internal-dispatcher"
        akka-tcp.use-dispatcher = "akka.actor.default-dispatcher"
        """);

    /// <summary>The user's configuration with the reference configuration as fallback, that of any protocol the user adds included.</summary>
    public static Config WithDefaults(Config user) => user.WithFallback(ReferenceFor(user));

    /// <summary>
    /// The reference configuration plus the defaults embedded by every protocol
    /// <paramref name="user"/> adds under akka-tcp.protocols ("AssemblyName.reference.conf" in the
    /// protocol's assembly). A protocol whose type cannot be found adds nothing here; naming it for
    /// a server is reported by the protocol catalog.
    /// </summary>
    internal static Config ReferenceFor(Config user)
    {
        var builtIn = ProtocolTypes(Reference).ToHashSet();
        Config? added = null;
        foreach (var type in ProtocolTypes(user))
        {
            if (!builtIn.Contains(type) && ParseProtocolReference(type) is { } reference)
                added = added is null ? reference : added.WithFallback(reference);
        }
        return added is null ? Reference : added.WithFallback(Reference);
    }

    private static IEnumerable<string> ProtocolTypes(Config config)
    {
        if (config.GetConfig("akka-tcp.protocols") is not { } protocols)
            yield break;
        foreach (var pair in protocols.AsEnumerable())
        {
            if (pair.Value.IsString())
                yield return pair.Value.GetString();
        }
    }

    /// <summary>Parsed anew each time: a Config object is never put into two fallback chains.</summary>
    private static Config? ParseProtocolReference(string typeName) =>
        ProtocolReferenceTexts.GetOrAdd(typeName, ReadProtocolReference) is { } text ? ConfigurationFactory.ParseString(text) : null;

    private static string? ReadProtocolReference(string typeName)
    {
        Type? type;
        try
        {
            type = Type.GetType(typeName, throwOnError: false);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or ArgumentException or TypeLoadException)
        {
            return null;
        }
        var assembly = type?.Assembly;
        if (assembly is null || assembly == typeof(AkkaTcpConfig).Assembly)
            return null;
        using var stream = assembly.GetManifestResourceStream(assembly.GetName().Name + ".reference.conf");
        if (stream is null)
            return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

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
        var core = ConfigurationFactory.ParseString(reader.ReadToEnd()).WithFallback(ConnectionThreads());
        var reference = core;
        foreach (var type in ProtocolTypes(core))
        {
            if (ParseProtocolReference(type) is { } protocol)
                reference = reference.WithFallback(protocol);
        }
        return reference;
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
