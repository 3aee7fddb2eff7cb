using Akka.Actor;
using Akka.IO;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// Stands in for Akka.IO's connection actor in actor-level tests and forwards what a connection
/// tells it to a probe. Connections read in pull mode and resume after every chunk; those resumes
/// are counted in <see cref="Counts"/> instead of forwarded, so the probe sees the reading changes
/// that backpressure makes: a SuspendReading, and the ResumeReading that ends it.
/// </summary>
internal sealed class SocketStandIn : ReceiveActor
{
    public sealed class Counts
    {
        private int _chunkResumes;

        public int ChunkResumes => Volatile.Read(ref _chunkResumes);

        public void OnChunkResume() => Interlocked.Increment(ref _chunkResumes);
    }

    public SocketStandIn(IActorRef probe, Counts counts)
    {
        var suspended = false;
        Receive<Tcp.SuspendReading>(message =>
        {
            suspended = true;
            probe.Forward(message);
        });
        Receive<Tcp.ResumeReading>(message =>
        {
            if (!suspended)
            {
                counts.OnChunkResume();
                return;
            }
            suspended = false;
            probe.Forward(message);
        });
        ReceiveAny(probe.Forward);
    }
}
