using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace AkkaTcp.Runtime;

/// <summary>
/// An unbounded mailbox that costs an idle actor next to nothing: Akka's default keeps a
/// ConcurrentQueue whose first segment (32 slots, about 1 KiB) stays allocated for the actor's
/// life, two per connection (Akka.IO's connection actor and ours). This one holds a Queue that
/// grows from empty and is let go once drained after a burst. Enqueue and dequeue take a lock,
/// uncontended when producer and consumer share a thread (the inline executor).
/// <c>akka.actor.default-mailbox.mailbox-type = "AkkaTcp.Runtime.CompactMailbox, AkkaTcp"</c>.
/// </summary>
public sealed class CompactMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<CompactMailbox.CompactQueue>
{
    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactQueue();

    /// <summary>The queue behind <see cref="CompactMailbox"/>.</summary>
    public sealed class CompactQueue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        // A drained queue that grew past this many slots is dropped rather than kept for the actor's life.
        private const int KeptCapacity = 16;

        private readonly Lock _lock = new();
        private Queue<Envelope>? _queue;
        private int _count;

        /// <inheritdoc />
        public bool HasMessages => Volatile.Read(ref _count) > 0;

        /// <inheritdoc />
        public int Count => Volatile.Read(ref _count);

        /// <inheritdoc />
        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            lock (_lock)
            {
                (_queue ??= new Queue<Envelope>(4)).Enqueue(envelope);
                Volatile.Write(ref _count, _count + 1);
            }
        }

        /// <inheritdoc />
        public bool TryDequeue(out Envelope envelope)
        {
            lock (_lock)
            {
                if (_queue is null || !_queue.TryDequeue(out envelope))
                {
                    envelope = default;
                    return false;
                }
                Volatile.Write(ref _count, _count - 1);
                if (_count == 0 && _queue.EnsureCapacity(0) > KeptCapacity)
                    _queue = null;
                return true;
            }
        }

        /// <inheritdoc />
        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope))
                deadletters.Enqueue(owner, envelope);
        }
    }
}
