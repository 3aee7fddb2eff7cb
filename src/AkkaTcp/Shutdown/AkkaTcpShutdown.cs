using System.Diagnostics;
using Akka;
using Akka.Actor;

namespace AkkaTcp;

/// <summary>
/// Ties every started server into CoordinatedShutdown, so any host gets a graceful stop:
/// service-unbind: stop admitting; service-requests-done: drain (each server up to its
/// drain-timeout); service-stop: unbind, resetting what is still open. Akka.IO's Unbind resets
/// live connections, which is why it comes last. <see cref="Report"/> completes after service-stop.
/// </summary>
public sealed class AkkaTcpShutdown : IExtension
{
    private readonly CoordinatedShutdown _coordinatedShutdown;
    private readonly TaskCompletionSource<ShutdownReport> _report = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _lock = new();
    private int _servers;
    private int _unbound;
    private int _drained;
    private int _cut;
    private long _startedAt;

    public AkkaTcpShutdown(ExtendedActorSystem system) => _coordinatedShutdown = CoordinatedShutdown.Get(system);

    public static AkkaTcpShutdown Get(ActorSystem system) => system.WithExtension<AkkaTcpShutdown, AkkaTcpShutdownProvider>();

    /// <summary>The outcome of the shutdown; completes once every server has unbound.</summary>
    public Task<ShutdownReport> Report => _report.Task;

    internal AkkaTcpServer Register(AkkaTcpServer server)
    {
        lock (_lock)
            _servers++;
        var name = server.Settings.Name;
        _coordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, $"akka-tcp-{name}-stop-accepting", async () =>
        {
            Interlocked.CompareExchange(ref _startedAt, Stopwatch.GetTimestamp(), 0);
            if (!IsStopped(server))
                await server.StopAcceptingAsync().ConfigureAwait(false);
            return Done.Instance;
        });
        _coordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, $"akka-tcp-{name}-drain", async () =>
        {
            if (!IsStopped(server))
                Interlocked.Add(ref _drained, (await server.DrainAsync().ConfigureAwait(false)).Drained);
            return Done.Instance;
        });
        _coordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, $"akka-tcp-{name}-unbind", async () =>
        {
            OnUnbound(IsStopped(server) ? 0 : (await server.UnbindAsync().ConfigureAwait(false)).Cut);
            return Done.Instance;
        });
        return server;
    }

    /// <summary>A server stopped by its owner (its supervisor actor is gone) has nothing left to drain; asking it would only wait for a timeout.</summary>
    private static bool IsStopped(AkkaTcpServer server) => server.Stopped.IsCompleted;

    private void OnUnbound(int cut)
    {
        lock (_lock)
        {
            _cut += cut;
            if (++_unbound < _servers)
                return;
        }
        var elapsed = _startedAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_startedAt);
        _report.TrySetResult(new ShutdownReport(Volatile.Read(ref _drained), _cut, elapsed));
    }

    private sealed class AkkaTcpShutdownProvider : ExtensionIdProvider<AkkaTcpShutdown>
    {
        public override AkkaTcpShutdown CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
