using Akka.Configuration;
using AkkaTcp.Configuration;
using AkkaTcp.Host.CommandLine;

namespace AkkaTcp.Host.Hosting;

/// <summary>
/// Builds the host's configuration, later layers winning: the library's reference config, the
/// host's own defaults, then the built-in hocon/server.hocon or the --config file, then each --set,
/// then --port/--host/--protocol.
/// </summary>
public static class HostConfig
{
    public const string MainServer = "main";

    public static Config Build(HostCommandLine commandLine)
    {
        var file = commandLine.ConfigFile is null
            ? AkkaTcpConfig.Parse(ReadBuiltIn(), "built-in hocon/server.hocon")
            : AkkaTcpConfig.ParseFile(commandLine.ConfigFile);

        var config = file;
        foreach (var assignment in commandLine.Sets)
        {
            var equals = assignment.IndexOf('=');
            var key = assignment[..equals].Trim();
            config = AkkaTcpConfig.Parse($"{key} = {assignment[(equals + 1)..]}", $"--set {assignment}").WithFallback(config);
        }

        var main = new List<string>();
        if (commandLine.Port is not null)
            main.Add($"port = {Quote(commandLine.Port)}");
        if (commandLine.Host is not null)
            main.Add($"host = {Quote(commandLine.Host)}");
        if (commandLine.Protocol is not null)
            main.Add($"protocol = {Quote(commandLine.Protocol)}");
        if (main.Count > 0)
        {
            if (AkkaTcpConfig.WithDefaults(config).GetConfig($"akka-tcp.servers.{MainServer}") is null)
                throw new InvalidConfigException($"akka-tcp.servers.{MainServer}", null, "--port, --host and --protocol apply to the server 'main', which this configuration does not define");
            var hocon = $"akka-tcp.servers.{MainServer} {{ {string.Join(", ", main)} }}";
            config = AkkaTcpConfig.Parse(hocon, "--port/--host/--protocol").WithFallback(config);
        }
        // Akka.Persistence.Sql's defaults (its plugins' classes, table names; it selects no plugin):
        // a configuration that picks its snapshot store (resp.snapshot-interval) then needs only a
        // connection string and a provider name.
        config = config.WithFallback(HostDefaults()).WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration);
        var inline = config.GetBoolean("akka-tcp.host.inline-execution");
        return AkkaTcpConfig.WithDefaults(config.WithFallback(DefaultDispatcher(inline)));
    }

    /// <summary>
    /// The host runs nothing but AkkaTcp servers, so all its actors share one dispatcher, the
    /// default one, where Akka.IO's socket actors always run. Inline (the default): a mailbox runs
    /// on the socket engine thread that scheduled it, so a request goes from the socket through
    /// Akka.IO's connection actor, ours and the protocol back to the socket on one thread.
    /// Otherwise one dedicated pool, so hand-offs between them rarely wake another pool's thread
    /// (measured: src/AkkaTcp.Bench/README.md). Akka's loggers run on its internal dispatcher either
    /// way: a log sink writes to a console or a file, which a socket thread must not wait for.
    /// </summary>
    private static Config DefaultDispatcher(bool inline) => inline
        ? AkkaTcpConfig.InlineExecution
        : AkkaTcpConfig.Parse($$"""
            akka.actor.default-dispatcher {
              type = ForkJoinDispatcher
              throughput = 100
              dedicated-thread-pool.thread-count = {{AkkaTcpConfig.ConnectionPoolThreads}}
            }
            akka.loggers-dispatcher = "akka.actor.internal-dispatcher"
            """, "host dispatcher");

    /// <summary>The host's own keys and defaults (the dispatcher: <see cref="DefaultDispatcher"/>).</summary>
    private static Config HostDefaults() => AkkaTcpConfig.Parse("""
        akka-tcp.use-dispatcher = "akka.actor.default-dispatcher"
        akka-tcp.host {
          # Run each actor's mailbox on the socket engine thread where its bytes arrived (the
          # inline executor, with .NET's inline socket completions) instead of a dedicated pool:
          # fewer thread hand-offs per request (src/AkkaTcp.Bench/README.md). A protocol must then
          # not block in its handler: slow work (disk, databases, locks) goes to a Task whose result
          # comes back as a message, or to actors on a dispatcher of their own. off: one dedicated
          # pool of a thread per core.
          inline-execution = on
          # Open files the process needs besides its connections (the .NET runtime, loaded
          # assemblies, logs: about 190 at start). The host warns at start when the servers'
          # max-connections plus max-queued-connections exceed the open-file limit minus this.
          open-files-reserve = 256
        }
        akka-tcp.metrics.prometheus {
          # Serves http://host:port/metrics for Prometheus: the AkkaTcp meter (every server's
          # connections, refusals, closes, bytes, frames, request durations) and the .NET runtime's
          # (GC, thread pool). Off by default: a port the operator did not ask for is not opened.
          enabled = off
          # Loopback unless you say otherwise ("0.0.0.0" or "*" for every interface): the numbers
          # tell an outsider how loaded the server is.
          host = "127.0.0.1"
          # Prometheus' registered default port for OpenTelemetry exporters.
          port = 9464
        }
        akka-tcp.cluster {
          # Join an Akka.Cluster: several hosts then serve one resp keyspace (sharded over them,
          # resp.cluster = auto) and one pub/sub space, and survive losing a member. Off: one process.
          enabled = off
          # Akka.Remote's endpoint for the members' own traffic (not for clients). Each member on one
          # machine needs its own port; 0 picks a free one (then it can only be a member that joins).
          hostname = "127.0.0.1"
          port = 4053
          # The address other members reach this one by, when it differs from hostname (NAT, containers).
          public-hostname = ""
          # Members to join through, as "akka.tcp://akka-tcp@HOST:PORT", the same list on every member,
          # the first one first to start. Empty: this member forms a cluster of its own (others may
          # then name it as their seed).
          seed-nodes = []
          # Roles this member has (Akka.Cluster's roles), for deployments that give members different jobs.
          roles = []
          # The split-brain resolver (keep-majority) downs members that stayed unreachable this long
          # with the membership stable; their sharded partitions then start again on the others. With
          # acceptable-heartbeat-pause (how long a silent member counts as alive), this is the time a
          # killed member's keys are unavailable: about their sum plus a few seconds.
          down-unreachable-after = 10s
          acceptable-heartbeat-pause = 3s
        }
        akka-tcp.control {
          # A json-rpc endpoint for `akka-tcp ctl` and `akka-tcp top`: list and kick connections,
          # suspend, resume and drain servers, reload, stats. Off by default: it can close
          # connections, so it is opened only when asked for.
          enabled = off
          # Loopback: anyone who can reach it can kick your clients.
          host = "127.0.0.1"
          # `akka-tcp ctl` and `akka-tcp top` look here unless told --control HOST:PORT.
          port = 7070
        }
        """, "host defaults");

    /// <summary>
    /// Sets Akka's service-requests-done phase timeout above the largest drain-timeout, so Akka
    /// never cuts the drain short before the servers' own deadline.
    /// </summary>
    public static Config WithShutdownTimeouts(Config config, TimeSpan longestDrain)
    {
        var phase = (long)(longestDrain + DrainPhaseMargin).TotalMilliseconds;
        // Akka's own SIGTERM/SIGINT hook runs the whole CoordinatedShutdown on the signal thread and
        // blocks it, so a second signal could not be seen; the host's ShutdownSignals take over.
        return AkkaTcpConfig.Parse($"""
            akka.coordinated-shutdown.phases.service-requests-done.timeout = {phase}ms
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """, "shutdown settings")
            .WithFallback(config);
    }

    /// <summary>Headroom of Akka's drain phase over the longest drain-timeout.</summary>
    public static readonly TimeSpan DrainPhaseMargin = TimeSpan.FromSeconds(5);

    // Quoted so that any text reaches validation as written (e.g. "--port abc" is "not an integer", not a parse error).
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string ReadBuiltIn()
    {
        using var stream = typeof(HostConfig).Assembly.GetManifestResourceStream("AkkaTcp.Host.server.hocon")
            ?? throw new InvalidOperationException("server.hocon is not embedded in the host");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
