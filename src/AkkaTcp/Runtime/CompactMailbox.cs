using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace AkkaTcp.Runtime;

/// <summary>
/// An unbounded mailbox that costs an idle actor next to nothing: Akka's default keeps a
/// ConcurrentQueue whose first segment (32 slots, about 1 KiB) stays allocated for the actor's
/// life, two per connection (Akka.IO's connection actor and ours). This one holds a lone message
/// in a field and a ring of slots only while messages queue up (a small ring is kept, one grown by
/// a burst is let go once drained). Enqueue and dequeue lock the queue itself, uncontended when
/// producer and consumer share a thread (the inline executor).
/// <c>akka.actor.default-mailbox.mailbox-type = "AkkaTcp.Runtime.CompactMailbox, AkkaTcp"</c>.
/// </summary>
public sealed class CompactMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<CompactMailbox.CompactQueue>
{
    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactQueue();

    /// <summary>The queue behind <see cref="CompactMailbox"/>.</summary>
    public sealed class CompactQueue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private const int FirstRingSize = 4;

        // A drained ring larger than this is dropped rather than kept for the actor's life.
        private const int KeptRingSize = 16;

        private Envelope _lone; // the only message, while there is no ring
        private Envelope[]? _ring;
        private int _head;
        private int _count;

        /// <inheritdoc />
        public bool HasMessages => Volatile.Read(ref _count) > 0;

        /// <inheritdoc />
        public int Count => Volatile.Read(ref _count);

        /// <inheritdoc />
        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            // Locks itself: no other code ever sees a mailbox's queue, and a lock object of its own
            // would cost every idle actor 80 bytes.
            lock (this)
            {
                if (_ring is null && _count == 0)
                {
                    _lone = envelope;
                }
                else
                {
                    if (_ring is null)
                    {
                        _ring = new Envelope[FirstRingSize];
                        _ring[0] = _lone;
                        _lone = default;
                        _head = 0;
                    }
                    else if (_count == _ring.Length)
                    {
                        Grow();
                    }
                    _ring[(_head + _count) % _ring.Length] = envelope;
                }
                Volatile.Write(ref _count, _count + 1);
            }
        }

        /// <inheritdoc />
        public bool TryDequeue(out Envelope envelope)
        {
            lock (this)
            {
                if (_count == 0)
                {
                    envelope = default;
                    return false;
                }
                if (_ring is null)
                {
                    envelope = _lone;
                    _lone = default;
                }
                else
                {
                    envelope = _ring[_head];
                    _ring[_head] = default;
                    _head = (_head + 1) % _ring.Length;
                    if (_count == 1 && _ring.Length > KeptRingSize)
                        _ring = null;
                }
                Volatile.Write(ref _count, _count - 1);
                return true;
            }
        }

        /// <inheritdoc />
        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope))
                deadletters.Enqueue(owner, envelope);
        }

        private void Grow()
        {
            var ring = _ring!;
            var bigger = new Envelope[ring.Length * 2];
            for (var i = 0; i < _count; i++)
                bigger[i] = ring[(_head + i) % ring.Length];
            _ring = bigger;
            _head = 0;
        }
    }
}
