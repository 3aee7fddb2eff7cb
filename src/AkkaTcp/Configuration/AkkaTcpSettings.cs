using Akka.Configuration;
using AkkaTcp.Protocols;

namespace AkkaTcp.Configuration;

/// <summary>All servers of one host, parsed and validated once from HOCON.</summary>
public sealed class AkkaTcpSettings
{
    private AkkaTcpSettings(IReadOnlyList<ServerSettings> servers) => Servers = servers;

    public IReadOnlyList<ServerSettings> Servers { get; }


    /// <summary>The most connections the servers may hold at once: served plus waiting.</summary>
    public long MaxHeldConnections
    {
        get
        {
            long total = 0;
            foreach (var server in Servers)
            {
                if (server.Transport == Transport.Tcp) // a UDP server holds one socket
                    total += server.MaxConnections + (server.OverLimit == OverLimitPolicy.Queue ? server.MaxQueuedConnections : 0);
            }
            return total;
        }
    }

    /// <summary>
    /// Reads every block under <c>akka-tcp.servers</c>, each over <c>akka-tcp.server-defaults</c>,
    /// merged over the reference configuration. Throws <see cref="InvalidConfigException"/> on the
    /// first bad value.
    /// </summary>
    public static AkkaTcpSettings Load(Config config)
    {
        // Built once: the defaults of every protocol the configuration names, also what UnknownKeys knows.
        var reference = AkkaTcpConfig.ReferenceFor(config);
        var full = config.WithFallback(reference);
        var read = new HashSet<string>(StringComparer.Ordinal);
        var root = new ConfigReader(full, "", read);
        var protocols = ProtocolCatalog.Read(root.Section("akka-tcp.protocols"));
        var defaults = full.GetConfig("akka-tcp.server-defaults");
        var names = root.Keys("akka-tcp.servers");
        if (names.Count == 0)
            throw new InvalidConfigException("akka-tcp.servers", null, "no server is configured");

        var dispatcher = Dispatcher(full, root);
        var servers = new List<ServerSettings>(names.Count);
        foreach (var name in names)
        {
            var path = $"akka-tcp.servers.{name}";
            var block = full.GetConfig(path);
            if (block is null)
                throw new InvalidConfigException(path, full.GetValue(path)?.ToString(), "must be a block { ... }");
            servers.Add(ServerSettings.Read(name, new ConfigReader(block.WithFallback(defaults), path, read), protocols, dispatcher));
        }
        var settings = new AkkaTcpSettings(servers);
        UnknownKeys.Check(full, reference, read, dispatcher);
        return settings;
    }

    /// <summary>akka-tcp.use-dispatcher: must name a dispatcher block of the configuration, or Akka would fail at the first connection.</summary>
    private static string Dispatcher(Config full, ConfigReader root)
    {
        const string key = "akka-tcp.use-dispatcher";
        var path = root.String(key);
        bool present;
        try
        {
            present = path.Length > 0 && full.HasPath(path) && full.GetConfig(path) is { IsEmpty: false };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            present = false; // not a valid path at all
        }
        if (!present)
            throw new InvalidConfigException(key, path, "names no dispatcher block in the configuration");
        return path;
    }
}
