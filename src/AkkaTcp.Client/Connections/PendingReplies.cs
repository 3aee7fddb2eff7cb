
namespace AkkaTcp.Client;

/// <summary>
/// Requests sent and not yet answered, owned by the connection actor. By id: a dictionary, and a
/// request given up by its caller is forgotten at once. By order: a queue, and a given-up request
/// keeps its place until its reply comes (the reply is then dropped), so later replies still
/// meet their own callers.
/// </summary>
internal sealed class PendingReplies<TRequest, TResponse>(Correlation correlation)
{
    private readonly Dictionary<long, PendingRequest<TRequest, TResponse>> _byId = [];
    private readonly Queue<PendingRequest<TRequest, TResponse>> _inOrder = new();

    public int Count => correlation == Correlation.ById ? _byId.Count : _inOrder.Count;

    public void Add(PendingRequest<TRequest, TResponse> request)
    {
        if (correlation == Correlation.ById)
            _byId.Add(request.Id, request);
        else
            _inOrder.Enqueue(request);
    }

    /// <summary>The request a reply naming <paramref name="id"/> answers (the oldest one, by order).</summary>
    public bool TryTake(long id, out PendingRequest<TRequest, TResponse>? request) =>
        correlation == Correlation.ById ? _byId.Remove(id, out request) : _inOrder.TryDequeue(out request);

    public void Forget(long id)
    {
        if (correlation == Correlation.ById)
            _byId.Remove(id);
    }

    public void FailAll(Exception error)
    {
        foreach (var request in _byId.Values)
            request.TrySetException(error);
        _byId.Clear();
        while (_inOrder.TryDequeue(out var request))
            request.TrySetException(error);
    }
}
