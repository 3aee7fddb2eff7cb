namespace AkkaTcp.Client;

/// <summary>
/// Callers waiting for a pooled connection with a free request slot, first come first served.
/// Used under the pool's lock; <see cref="Count"/> may be read without it.
/// </summary>
internal sealed class WaitingCallers<T>
{
    private readonly LinkedList<TaskCompletionSource<T>> _queue = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public LinkedListNode<TaskCompletionSource<T>> Enqueue()
    {
        _count++;
        return _queue.AddLast(new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>Takes a caller that gave up out of the queue; false if it was already served.</summary>
    public bool Remove(LinkedListNode<TaskCompletionSource<T>> waiter)
    {
        if (waiter.List is null)
            return false;
        _queue.Remove(waiter);
        _count--;
        return true;
    }

    /// <summary>Hands <paramref name="value"/> to the longest-waiting caller.</summary>
    public void ServeFirst(T value)
    {
        var first = _queue.First!;
        _queue.RemoveFirst();
        _count--;
        first.Value.TrySetResult(value);
    }

    /// <summary>Empties the queue and returns the callers that were in it, to be failed.</summary>
    public List<TaskCompletionSource<T>> TakeAll()
    {
        List<TaskCompletionSource<T>> all = [.. _queue];
        _queue.Clear();
        _count = 0;
        return all;
    }
}
