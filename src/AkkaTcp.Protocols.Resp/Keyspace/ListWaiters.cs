using Akka.Actor;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Keyspace;

/// <summary>
/// The clients blocked on one partition's lists: queued per key, first come first served, and the
/// values popped for them until they settle. A client's actor is watched, so a connection that
/// dies without cancelling is dequeued and what was popped for it goes back to its list.
/// </summary>
internal sealed class ListWaiters(KeyspaceStore store, IActorContext context)
{
    private sealed class Waiter(IActorRef client, long id, byte[][] keys, bool left)
    {
        /// <summary>Arrival order across keys, kept when the partition is handed off.</summary>
        public long Arrived { get; } = Interlocked.Increment(ref _arrivals);
        public IActorRef Client { get; } = client;
        public long Id { get; } = id;
        public byte[][] Keys { get; } = keys;
        public bool Left { get; } = left;
    }

    private readonly record struct Popped(byte[] Key, byte[] Value, bool Left);

    private static long _arrivals;

    private readonly Dictionary<byte[], LinkedList<Waiter>> _byKey = new(ByteKeyComparer.Instance);
    private readonly Dictionary<(IActorRef, long), Waiter> _waiting = [];
    private readonly Dictionary<(IActorRef, long), Popped> _unsettled = [];
    private readonly HashSet<IActorRef> _watched = [];

    public void OnWait(WaitForList wait, IActorRef client)
    {
        foreach (var key in wait.Keys)
        {
            var entry = store.Find(key);
            if (entry is null)
                continue;
            if (entry.Value is not ListValue list)
            {
                client.Tell(new WaitFailed(wait.WaitId, key, RespValue.WrongType));
                return;
            }
            Watch(client);
            Serve(new Waiter(client, wait.WaitId, wait.Keys, wait.Left), key, list, first: true);
            return;
        }
        Enqueue(client, wait.WaitId, wait.Keys, wait.Left);
        client.Tell(new WaitRegistered(wait.WaitId));
    }

    private void Enqueue(IActorRef client, long waitId, byte[][] keys, bool left)
    {
        Watch(client);
        var waiter = new Waiter(client, waitId, keys, left);
        _waiting[(client, waitId)] = waiter;
        foreach (var key in keys)
        {
            if (!_byKey.TryGetValue(key, out var queue))
                _byKey[key] = queue = new LinkedList<Waiter>();
            queue.AddLast(waiter);
        }
    }

    /// <summary>The blocked clients in arrival order, and the values popped for clients that have not settled them (a hand-off).</summary>
    public (Protocols.Resp.Cluster.ExportedWaiter[] Waiters, Protocols.Resp.Cluster.ExportedPop[] Unsettled) Export() =>
        ([.. _waiting.Values.OrderBy(w => w.Arrived).Select(w => new Protocols.Resp.Cluster.ExportedWaiter(w.Client, w.Id, w.Keys, w.Left))],
         [.. _unsettled.Select(u => new Protocols.Resp.Cluster.ExportedPop(u.Key.Item1, u.Key.Item2, u.Value.Key, u.Value.Value, u.Value.Left))]);

    /// <summary>Takes over what a previous incarnation exported, behind any client that is waiting here already.</summary>
    public void Import(Protocols.Resp.Cluster.ExportedWaiter[] waiters, Protocols.Resp.Cluster.ExportedPop[] unsettled)
    {
        foreach (var waiter in waiters)
            Enqueue(waiter.Client, waiter.WaitId, waiter.Keys, waiter.Left);
        foreach (var pop in unsettled)
        {
            Watch(pop.Client);
            _unsettled[(pop.Client, pop.WaitId)] = new Popped(pop.Key, pop.Value, pop.Left);
        }
    }

    /// <summary>After a command pushed to lists: their first waiters get a value each while values last.</summary>
    public void ServePushed()
    {
        for (var i = 0; i < store.ListsPushed.Count; i++)
        {
            var key = store.ListsPushed[i];
            while (_byKey.TryGetValue(key, out var queue) && store.Find(key)?.Value is ListValue list)
            {
                var waiter = queue.First!.Value;
                Dequeue(waiter);
                Serve(waiter, key, list, first: false);
            }
        }
        store.ListsPushed.Clear();
    }

    private void Serve(Waiter waiter, byte[] key, ListValue list, bool first)
    {
        var value = Lists.PopOne(store, key, list, waiter.Left);
        store.MeasureCollectionsUsed();
        _unsettled[(waiter.Client, waiter.Id)] = new Popped(key, value, waiter.Left);
        waiter.Client.Tell(new WaitServed(waiter.Id, key, value, first));
    }

    public void OnSettled(WaitSettled settled, IActorRef client)
    {
        if (_unsettled.Remove((client, settled.WaitId), out var popped) && !settled.Keep)
            GiveBack(popped);
    }

    /// <summary>A value goes back to the end it was popped from, and the next waiter may have it.</summary>
    private void GiveBack(Popped popped)
    {
        Lists.PushTo(store, popped.Key, popped.Value, popped.Left);
        store.MeasureCollectionsUsed();
        ServePushed();
    }

    public void OnCancelled(long waitId, IActorRef client)
    {
        if (_waiting.TryGetValue((client, waitId), out var waiter))
            Dequeue(waiter);
    }

    public void OnClientGone(IActorRef client)
    {
        _watched.Remove(client);
        foreach (var waiter in _waiting.Values.Where(w => w.Client.Equals(client)).ToList())
            Dequeue(waiter);
        foreach (var (id, popped) in _unsettled.Where(u => u.Key.Item1.Equals(client)).ToList())
        {
            _unsettled.Remove(id);
            GiveBack(popped);
        }
    }

    private void Dequeue(Waiter waiter)
    {
        _waiting.Remove((waiter.Client, waiter.Id));
        foreach (var key in waiter.Keys)
        {
            if (!_byKey.TryGetValue(key, out var queue))
                continue;
            queue.Remove(waiter);
            if (queue.Count == 0)
                _byKey.Remove(key);
        }
    }

    private void Watch(IActorRef client)
    {
        if (_watched.Add(client))
            context.Watch(client);
    }
}
