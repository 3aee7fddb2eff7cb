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
    private static readonly TimeSpan PortReleaseTimeout = TimeSpan.FromSeconds(5);

    private AkkaTcpServer(ActorSystem system, ServerSettings settings, IPEndPoint localEndPoint, IActorRef supervisor)
    {
        Settings = settings;
        LocalEndPoint = localEndPoint;
        Supervisor = supervisor;
        Stopped = WhenStoppedAsync(system, supervisor, settings.Transport, localEndPoint);
    }

    /// <summary>Name free and port closed: a server started again at once under either never finds it taken.</summary>
    private static async Task WhenStoppedAsync(ActorSystem system, IActorRef supervisor, Transport transport, IPEndPoint endPoint)
    {
        await WhenNameFreedAsync(system, supervisor).ConfigureAwait(false);
        await PortRelease.WaitAsync(endPoint, transport, PortReleaseTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes once the supervisor has stopped and its name can be used again. A watcher hears of
    /// the death a moment before the user guardian has removed the name (both are told at once);
    /// any ordinary message the guardian then handles comes after it has, since an actor handles
    /// its pending system messages first, so an Identify answered by the guardian marks the moment.
    /// </summary>
    private static async Task WhenNameFreedAsync(ActorSystem system, IActorRef supervisor)
    {
        await supervisor.WatchAsync().ConfigureAwait(false);
        // Ask reports a failure (a timeout) through its task, which WhenAny does not rethrow; an
        // actor system that is ending answers nothing, and no name will be reused in it.
        var identified = system.ActorSelection("/user").Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10));
        await Task.WhenAny(identified, system.WhenTerminated).ConfigureAwait(false);
    }

    /// <summary>The settings it runs with: those it started with, then those of its last <see cref="UpdateSettingsAsync"/>.</summary>
    public ServerSettings Settings { get; private set; }

    /// <summary>The endpoint actually bound (with the OS-chosen port when the configured one was 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    internal IActorRef Supervisor { get; }

    /// <summary>
    /// Completes when the server's supervisor has stopped (the server was stopped, or its actor
    /// system ended), its name is free and its port closed, so that it can start again at once.
    /// </summary>
    public Task Stopped { get; }

    /// <summary>
    /// Starts a server and completes once its port is open. Throws <see cref="ServerStartException"/>
    /// with a one-line reason if it cannot listen (port taken, no permission, bad address) or its
    /// protocol's Start throws; by then the server's name is free again, so a retry can start at once. It
    /// records on <paramref name="metrics"/>, or on <see cref="AkkaTcpMetrics.Shared"/> when null.
    /// </summary>
    public static async Task<AkkaTcpServer> StartAsync(ActorSystem system, ServerSettings settings, AkkaTcpMetrics? metrics = null)
    {
        var serverMetrics = (metrics ?? AkkaTcpMetrics.Shared).ForServer(settings.Name);
        settings.ProtocolMetrics?.Bind(serverMetrics);
        var outcome = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var props = Props.Create<ServerSupervisor>(settings, serverMetrics, outcome);
        var supervisor = system.ActorOf(props, "akka-tcp-" + settings.Name);
        object result;
        try
        {
            result = await outcome.Task.WaitAsync(StartTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            result = new ServerSupervisor.ServerStartFailed($"server '{settings.Name}' did not open its port within {StartTimeout.TotalSeconds:0} s");
        }
        if (result is ServerSupervisor.ServerStarted started)
            return AkkaTcpShutdown.Get(system).Register(new AkkaTcpServer(system, settings, (IPEndPoint)started.LocalEndPoint, supervisor));
        // Stopped (if it has not stopped itself) and its name free again before the caller hears:
        // a retry under the same name can start at once.
        system.Stop(supervisor);
        await WhenNameFreedAsync(system, supervisor).ConfigureAwait(false);
        throw new ServerStartException(((ServerSupervisor.ServerStartFailed)result).Error);
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

    /// <summary>
    /// Applies new limits, timeouts, watermarks and rates to the running server without dropping
    /// a connection (Ranch's set_max_connections, for every live setting): a higher max-connections
    /// admits waiting clients at once; a lower one closes nobody served, new clients wait or are
    /// refused; timeouts, the heartbeat's timing and watermarks reach the live connections.
    /// Throws <see cref="InvalidOperationException"/> if <paramref name="settings"/> changes what
    /// only a restart can (address, protocol and its block, transport, socket options, dispatcher,
    /// frame size, write batching, the heartbeat on or off): stop the server and start it anew.
    /// Returns false, changing nothing, when the live settings are the ones it runs with.
    /// </summary>
    public async Task<bool> UpdateSettingsAsync(ServerSettings settings)
    {
        if (RestartNeededFor(settings) is { } reason)
            throw new InvalidOperationException($"server '{Settings.Name}' needs a restart for these settings: {reason}");
        if (settings.LivePart is not null && settings.LivePart == Settings.LivePart)
            return false;
        await Supervisor.Ask<Akka.Done>(new UpdateSettings(settings), TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        Settings = settings;
        return true;
    }

    /// <summary>Every connection of the server (served, waiting, closing) at this moment, oldest first.</summary>
    public async Task<IReadOnlyList<ConnectionSnapshot>> GetConnectionsAsync() =>
        await Supervisor.Ask<ConnectionSnapshot[]>(ListConnections.Instance, TimeSpan.FromSeconds(10)).ConfigureAwait(false);

    /// <summary>Closes the connection with this id gracefully (owed replies first; reason kicked); false if there is none.</summary>
    public async Task<bool> KickAsync(long connectionId) =>
        await Supervisor.Ask<int>(new KickConnections(connectionId, null), TimeSpan.FromSeconds(10)).ConfigureAwait(false) > 0;

    /// <summary>Closes every connection from <paramref name="address"/> gracefully (reason kicked); returns how many.</summary>
    public Task<int> KickAsync(IPAddress address) =>
        Supervisor.Ask<int>(new KickConnections(null, address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address), TimeSpan.FromSeconds(10));

    /// <summary>
    /// Turns new clients away until <see cref="ResumeAcceptingAsync"/> (Ranch's suspend_listener):
    /// they get the busy reply and a close (counted as refused, reason suspended); the port stays
    /// open and served connections are untouched.
    /// </summary>
    public Task SuspendAcceptingAsync() => Supervisor.Ask<Akka.Done>(new SetSuspended(true), TimeSpan.FromSeconds(10));

    public Task ResumeAcceptingAsync() => Supervisor.Ask<Akka.Done>(new SetSuspended(false), TimeSpan.FromSeconds(10));

    /// <summary>Why <paramref name="settings"/> can only be applied by a restart (see <see cref="UpdateSettingsAsync"/>), or null when they apply live.</summary>
    public string? RestartNeededFor(ServerSettings settings) => LiveSettings.RestartNeeded(Settings, settings);

    /// <summary>
    /// Stops this server gracefully, alone: stops accepting, drains (up to drain-timeout), unbinds
    /// and stops its actors; completes when they have stopped. Its name can then be started again.
    /// </summary>
    public async Task<DrainResult> StopAsync()
    {
        if (Stopped.IsCompleted)
            return new DrainResult(0, 0, TimeSpan.Zero);
        await StopAcceptingAsync().ConfigureAwait(false);
        var drained = await DrainAsync().ConfigureAwait(false);
        await UnbindAsync().ConfigureAwait(false);
        Supervisor.Tell(PoisonPill.Instance);
        await Stopped.ConfigureAwait(false);
        return drained;
    }

    /// <summary>Closes the port; connections still open are reset and counted as cut.</summary>
    public Task<UnbindResult> UnbindAsync() => Supervisor.Ask<UnbindResult>(UnbindListener.Instance, TimeSpan.FromSeconds(10));
}
