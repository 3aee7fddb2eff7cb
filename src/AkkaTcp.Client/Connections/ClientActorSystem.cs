using Akka.Actor;
using Akka.Configuration;
using Akka.IO;
using AkkaTcp.Configuration;

namespace AkkaTcp.Client;

/// <summary>
/// The actor system a client runs in: the caller's, or one of its own (created on demand and
/// terminated with the client), so a caller needs no Akka knowledge at all.
/// </summary>
internal sealed class ClientActorSystem
{
    private static int _owned;

    private ClientActorSystem(ActorSystem system, bool owned)
    {
        System = system;
        Owned = owned;
    }

    public ActorSystem System { get; }

    public bool Owned { get; }

    public static ClientActorSystem Borrow(ActorSystem system) => new(Prepared(system), owned: false);

    /// <summary>
    /// Starts, on the caller's thread, what every connection actor uses in its PreStart: Akka.IO's
    /// TCP extension and the scheduler (its dial deadline). Akka starts its scheduler on first use
    /// and blocks that caller until the scheduler's loop runs on the thread pool; a hundred
    /// connection actors starting at once on a fresh system all blocked there, the pool starved,
    /// and dials hung for a minute (found with dotnet-stack).
    /// </summary>
    private static ActorSystem Prepared(ActorSystem system)
    {
        system.Tcp();
        system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, static () => { });
        return system;
    }

    public static ClientActorSystem CreateOwn()
    {
        // Its own Akka settings: Akka.IO's larger read chunks (AkkaTcp's reference config), only
        // warnings on stdout (connects that fail, connections lost), and no signal handling of its
        // own (that belongs to the application). Pass your own ActorSystem to log elsewhere.
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.log-dead-letters = off
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """).WithFallback(AkkaTcpConfig.Reference);
        return new ClientActorSystem(Prepared(ActorSystem.Create($"akka-tcp-client-{Interlocked.Increment(ref _owned)}", config)), owned: true);
    }

    /// <summary>Terminates the system if this client created it.</summary>
    public Task ReleaseAsync() => Owned ? System.Terminate() : Task.CompletedTask;
}
