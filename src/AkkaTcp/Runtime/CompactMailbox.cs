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
/// a burst is let go once drained). Enqueue and dequeue take a lock kept in the count's spare bit,
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
        private const int FirstRingSize = 4;

        // A drained ring larger than this is dropped rather than kept for the actor's life.
        private const int KeptRingSize = 16;

        // The count of messages, and LockBit while a producer or the consumer holds the queue.
        private const int LockBit = 1 << 30;

        private Envelope _lone; // the only message, while there is no ring
        private Envelope[]? _ring;
        private int _head;
        private int _state;

        /// <inheritdoc />
        public bool HasMessages => (Volatile.Read(ref _state) & ~LockBit) > 0;

        /// <inheritdoc />
        public int Count => Volatile.Read(ref _state) & ~LockBit;

        /// <inheritdoc />
        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            var count = Lock();
            try
            {
                if (_ring is null && count == 0)
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
                    else if (count == _ring.Length)
                    {
                        Grow(count);
                    }
                    _ring[(_head + count) % _ring.Length] = envelope;
                }
                count++;
            }
            finally
            {
                Unlock(count);
            }
        }

        /// <inheritdoc />
        public bool TryDequeue(out Envelope envelope)
        {
            var count = Lock();
            if (count == 0)
            {
                Unlock(0);
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
                if (count == 1 && _ring.Length > KeptRingSize)
                    _ring = null;
            }
            Unlock(count - 1);
            return true;
        }

        /// <inheritdoc />
        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope))
                deadletters.Enqueue(owner, envelope);
        }

        // The lock is the count's spare bit rather than a Monitor on the queue: one compare-exchange
        // to take it, a plain write (the new count) to leave it, and no field or lock object more.
        // Held for a few instructions, so a waiter spins (SpinWait yields, then sleeps, should the
        // holder be descheduled).
        private int Lock() => TryLock(out var count) ? count : LockContended();

        private int LockContended()
        {
            var spinner = new SpinWait();
            int count;
            do
                spinner.SpinOnce();
            while (!TryLock(out count));
            return count;
        }

        /// <summary>Takes the lock if it is free; <paramref name="count"/> is then the message count.</summary>
        private bool TryLock(out int count)
        {
            count = Volatile.Read(ref _state);
            return (count & LockBit) == 0 && Interlocked.CompareExchange(ref _state, count | LockBit, count) == count;
        }

        private void Unlock(int count) => Volatile.Write(ref _state, count);

        private void Grow(int count)
        {
            var ring = _ring!;
            // The count must stay below LockBit; a queue this long has long exhausted memory anyway.
            if (ring.Length >= LockBit / 2)
                throw new InvalidOperationException($"A mailbox holds {count} messages, the most it can.");
            var bigger = new Envelope[ring.Length * 2];
            for (var i = 0; i < count; i++)
                bigger[i] = ring[(_head + i) % ring.Length];
            _ring = bigger;
            _head = 0;
        }
    }
}
