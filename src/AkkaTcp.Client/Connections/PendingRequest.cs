namespace AkkaTcp.Client;

/// <summary>
/// One request on its way: sent to the connection actor as a message, kept there until its reply
/// comes, and awaited by the caller. Continuations run asynchronously, never on the actor's thread.
/// </summary>
internal sealed class PendingRequest<TRequest, TResponse>(long id, TRequest request)
    : TaskCompletionSource<TResponse>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public long Id { get; } = id;

    public TRequest Request { get; } = request;
}
