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
        public IActorRef Client { get; } = client;
        public long Id { get; } = id;
        public byte[][] Keys { get; } = keys;
        public bool Left { get; } = left;
    }

    private readonly record struct Popped(byte[] Key, byte[] Value, bool Left);

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
        Watch(client);
        var waiter = new Waiter(client, wait.WaitId, wait.Keys, wait.Left);
        _waiting[(client, wait.WaitId)] = waiter;
        foreach (var key in wait.Keys)
        {
            if (!_byKey.TryGetValue(key, out var queue))
                _byKey[key] = queue = new LinkedList<Waiter>();
            queue.AddLast(waiter);
        }
        client.Tell(new WaitRegistered(wait.WaitId));
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
