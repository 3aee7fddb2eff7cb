using System.Net;
using Akka.Actor;
using AkkaTcp.Configuration;
using AkkaTcp.Listening;

namespace AkkaTcp;

/// <summary>
/// A running server: its supervisor actor (/user/akka-tcp-NAME) and the endpoint it listens on.
/// Start one per <see cref="ServerSettings"/> with <see cref="StartAsync"/>, or all of a host's
/// with <see cref="StartAllAsync"/>.
/// </summary>
public sealed class AkkaTcpServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private AkkaTcpServer(ServerSettings settings, IPEndPoint localEndPoint, IActorRef supervisor)
    {
        Settings = settings;
        LocalEndPoint = localEndPoint;
        Supervisor = supervisor;
        Stopped = supervisor.WatchAsync();
    }

    public ServerSettings Settings { get; }

    /// <summary>The endpoint actually bound (with the OS-chosen port when the configured one was 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    internal IActorRef Supervisor { get; }

    /// <summary>Completes when the server's supervisor has stopped (the server was stopped, or its actor system ended).</summary>
    public Task Stopped { get; }

    /// <summary>
    /// Starts a server and completes once its port is open. Throws <see cref="ServerStartException"/>
    /// with a one-line reason if it cannot listen (port taken, no permission, bad address). It
    /// records on <paramref name="metrics"/>, or on <see cref="AkkaTcpMetrics.Shared"/> when null.
    /// </summary>
    public static async Task<AkkaTcpServer> StartAsync(ActorSystem system, ServerSettings settings, AkkaTcpMetrics? metrics = null)
    {
        metrics ??= AkkaTcpMetrics.Shared;
        settings.ProtocolMetrics?.Bind(metrics);
        var props = Props.Create<ServerSupervisor>(settings, metrics.ForServer(settings.Name));
        var supervisor = system.ActorOf(props, "akka-tcp-" + settings.Name);
        var outcome = await supervisor.Ask<object>(ServerSupervisor.WhenStarted.Instance, StartTimeout).ConfigureAwait(false);
        return outcome switch
        {
            ServerSupervisor.ServerStarted started => AkkaTcpShutdown.Get(system).Register(new AkkaTcpServer(settings, (IPEndPoint)started.LocalEndPoint, supervisor)),
            ServerSupervisor.ServerStartFailed failed => throw new ServerStartException(failed.Error),
            _ => throw new ServerStartException($"server '{settings.Name}': unexpected answer {outcome}"),
        };
    }

    /// <summary>Starts every configured server; if one cannot start, the ones already started are stopped.</summary>
    public static async Task<IReadOnlyList<AkkaTcpServer>> StartAllAsync(ActorSystem system, AkkaTcpSettings settings, AkkaTcpMetrics? metrics = null)
    {
        var started = new List<AkkaTcpServer>();
        try
        {
            foreach (var server in settings.Servers)
                started.Add(await StartAsync(system, server, metrics).ConfigureAwait(false));
            return started;
        }
        catch
        {
            foreach (var server in started)
                system.Stop(server.Supervisor);
            throw;
        }
    }

    public Task<ServerStats> GetStatsAsync(TimeSpan? timeout = null) =>
        Supervisor.Ask<ServerStats>(GetServerStats.Instance, timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>A UDP server's counters (<c>transport = udp</c>).</summary>
    public Task<DatagramStats> GetDatagramStatsAsync(TimeSpan? timeout = null) =>
        Supervisor.Ask<DatagramStats>(GetServerStats.Instance, timeout ?? TimeSpan.FromSeconds(10));

    // The three shutdown steps; CoordinatedShutdown runs them (see AkkaTcpShutdown), tests may too.

    /// <summary>Stops admitting: clients arriving from now on are closed without being served.</summary>
    public Task StopAcceptingAsync() => Supervisor.Ask<Akka.Done>(StopAccepting.Instance, TimeSpan.FromSeconds(10));

    /// <summary>Tells every connection to send what it owes and close; completes when all have, or at drain-timeout.</summary>
    public Task<DrainResult> DrainAsync() =>
        Supervisor.Ask<DrainResult>(DrainConnections.Instance, Settings.DrainTimeout + TimeSpan.FromSeconds(10));

    /// <summary>Closes the port; connections still open are reset and counted as cut.</summary>
    public Task<UnbindResult> UnbindAsync() => Supervisor.Ask<UnbindResult>(UnbindListener.Instance, TimeSpan.FromSeconds(10));
}
