using System.Net;

namespace AkkaTcp.Client;

/// <summary>
/// What a connection's actor tells the outside world without a message: whether it is open,
/// why it ended, how many replies it still owes. Written by the actor, read by any thread.
/// </summary>
internal sealed class ConnectionStatus
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pendingReplies;

    public Task Connected => _connected.Task;

    /// <summary>Completes with the reason when the connection has ended.</summary>
    public Task<string> Closed => _closed.Task;

    public bool IsOpen => _connected.Task.IsCompletedSuccessfully && !_closed.Task.IsCompleted;

    public EndPoint? LocalEndPoint { get; private set; }

    public int PendingReplies => Volatile.Read(ref _pendingReplies);

    public void OnConnected(EndPoint local)
    {
        LocalEndPoint = local;
        _connected.TrySetResult();
    }

    public void OnConnectFailed(Exception error) => _connected.TrySetException(error);

    public void OnPendingChanged(int count) => Volatile.Write(ref _pendingReplies, count);

    public void OnClosed(string reason)
    {
        Volatile.Write(ref _pendingReplies, 0);
        _closed.TrySetResult(reason);
    }
}
