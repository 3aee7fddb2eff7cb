using System.Net;
using Akka.Actor;

namespace AkkaTcp.Client;

/// <summary>
/// A multiplexed client connection: many requests in flight at once, each reply matched to its
/// caller (by order or by id, as the protocol says). A request's timeout or cancellation fails
/// only that request; a broken connection fails every request in flight at once with
/// <see cref="ConnectionClosedException"/>. <see cref="DisposeAsync"/> lets the requests in
/// flight finish, then closes gracefully.
/// </summary>
public sealed class ClientConnection<TRequest, TResponse> : IAsyncDisposable
{
    private static long _connections;

    private readonly ClientActorSystem _system;
    private readonly bool _ownsSystem;
    private readonly IActorRef _actor;
    private readonly ConnectionStatus _status;
    private readonly ClientSettings _settings;
    private readonly IClientProtocol<TRequest, TResponse> _protocol;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _ended = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private int _inFlight;
    private long _lastActivity = Environment.TickCount64;
    private volatile bool _disposing;
    private Task? _disposal;

    private ClientConnection(ClientActorSystem system, bool ownsSystem, IActorRef actor, ConnectionStatus status,
        EndPoint remote, ClientSettings settings, IClientProtocol<TRequest, TResponse> protocol)
    {
        _system = system;
        _ownsSystem = ownsSystem;
        _actor = actor;
        _status = status;
        _settings = settings;
        _protocol = protocol;
        _slots = new SemaphoreSlim(settings.MaxInFlight, settings.MaxInFlight);
        RemoteEndPoint = remote;
        // Requests waiting on a connection that ended fail at once, even one whose message the
        // actor never got (it went to dead letters after the actor stopped).
        status.Closed.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Cancel(), _ended,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public EndPoint RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint => _status.LocalEndPoint;

    /// <summary>Open and not being disposed: it takes new requests.</summary>
    public bool IsOpen => !_disposing && _status.IsOpen;

    /// <summary>Requests sent (or waiting to be) whose callers still wait.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Request slots taken: requests in flight and those whose callers were handed a slot and have
    /// not sent yet (a pool caller resumes on another thread). The pool balances and retires by this,
    /// never by <see cref="InFlight"/>, which lags behind the slot.
    /// </summary>
    internal int SlotsTaken => _settings.MaxInFlight - _slots.CurrentCount;

    /// <summary>Replies the connection still waits for, including ones whose callers gave up (ordered protocols).</summary>
    public int PendingReplies => _status.PendingReplies;

    /// <summary>Completes with the reason when the connection has ended.</summary>
    public Task<string> Closed => _status.Closed;

    internal long CreatedAt { get; } = Environment.TickCount64;

    internal long LastActivityAt => Volatile.Read(ref _lastActivity);

    /// <summary>Called (on the freeing thread) each time a request finishes and its slot is free; the pool hands it on.</summary>
    internal Action<ClientConnection<TRequest, TResponse>>? SlotFreed { get; set; }

    /// <summary>Dials <paramref name="remote"/>. Without <paramref name="system"/> the connection runs in an actor system of its own.</summary>
    /// <exception cref="ConnectionFailedException">Refused, unreachable, or connect-timeout passed.</exception>
    public static async Task<ClientConnection<TRequest, TResponse>> ConnectAsync(EndPoint remote, IClientProtocol<TRequest, TResponse> protocol,
        ClientSettings? settings = null, ActorSystem? system = null, CancellationToken cancellationToken = default)
    {
        var owner = system is null ? ClientActorSystem.CreateOwn() : ClientActorSystem.Borrow(system);
        try
        {
            return await OpenAsync(owner, owner.Owned, remote, protocol, settings ?? ClientSettings.Default, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await owner.ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static async Task<ClientConnection<TRequest, TResponse>> OpenAsync(ClientActorSystem system, bool ownsSystem, EndPoint remote,
        IClientProtocol<TRequest, TResponse> protocol, ClientSettings settings, CancellationToken cancellationToken)
    {
        var status = new ConnectionStatus();
        var actor = system.System.ActorOf(Props.Create(typeof(ClientConnectionActor<TRequest, TResponse>), remote, settings, protocol, status),
            $"akka-tcp-client-{Interlocked.Increment(ref _connections)}");
        try
        {
            await status.Connected.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            actor.Tell(PoisonPill.Instance);
            throw;
        }
        catch (ConnectionFailedException)
        {
            ClientMetrics.OnConnectFailed(remote);
            throw;
        }
        return new ClientConnection<TRequest, TResponse>(system, ownsSystem, actor, status, remote, settings, protocol);
    }

    /// <summary>Sends with the default request-timeout.</summary>
    public Task<TResponse> SendAsync(TRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(request, _settings.RequestTimeout, cancellationToken);

    /// <summary>
    /// Sends <paramref name="request"/> and waits for its reply, first for a free slot when
    /// max-in-flight requests are already out. <paramref name="timeout"/> (zero = none) counts
    /// from when the request is sent.
    /// </summary>
    /// <exception cref="RequestTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="ConnectionClosedException">The connection ended first.</exception>
    public async Task<TResponse> SendAsync(TRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await SendOnTakenSlotAsync(request, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes a request slot without waiting, for the pool; false when none is free or the connection cannot take requests.</summary>
    internal bool TryTakeSlot() => IsOpen && _slots.Wait(0);

    /// <summary>Gives back a slot taken with <see cref="TryTakeSlot"/> but not used.</summary>
    internal void ReturnSlot() => _slots.Release();

    /// <summary>Sends on a slot already taken; the slot is freed when the request finishes, however it does.</summary>
    internal async Task<TResponse> SendOnTakenSlotAsync(TRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await SendCoreAsync(request, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _lastActivity, Environment.TickCount64);
            _slots.Release();
            if (Interlocked.Decrement(ref _inFlight) == 0 && _disposing)
                _drained.TrySetResult();
            SlotFreed?.Invoke(this);
        }
    }

    /// <summary>Sends the protocol's ping; false when it fails or the protocol has none. Uses no slot.</summary>
    internal async Task<bool> PingAsync(TimeSpan timeout)
    {
        if (_protocol.Ping is not { } ping || !IsOpen)
            return false;
        try
        {
            await SendCoreAsync(ping, timeout, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is ConnectionClosedException or TimeoutException)
        {
            return false;
        }
    }

    private async Task<TResponse> SendCoreAsync(TRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = new PendingRequest<TRequest, TResponse>(Interlocked.Increment(ref _nextId), request);
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _ended.Token) : null;
        var token = linked?.Token ?? _ended.Token;
        _actor.Tell(pending);
        try
        {
            var reply = timeout > TimeSpan.Zero ? pending.Task.WaitAsync(timeout, token) : pending.Task.WaitAsync(token);
            return await reply.ConfigureAwait(false);
        }
        catch (TimeoutException e) when (e is not RequestTimeoutException)
        {
            GiveUp(pending);
            ClientMetrics.OnRequestTimedOut(RemoteEndPoint);
            throw new RequestTimeoutException(timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _ended.IsCancellationRequested)
        {
            // The connection ended; the actor may already have failed it with the reason.
            if (pending.Task.IsFaulted)
                throw pending.Task.Exception!.InnerException!;
            throw new ConnectionClosedException(RemoteEndPoint, _status.Closed.Result);
        }
        catch (OperationCanceledException)
        {
            GiveUp(pending);
            throw;
        }
    }

    /// <summary>The caller stopped waiting: a reply that comes later is dropped, not handed to anyone else.</summary>
    private void GiveUp(PendingRequest<TRequest, TResponse> pending)
    {
        pending.TrySetCanceled();
        if (_protocol.Correlation == Correlation.ById)
            _actor.Tell(new ForgetRequest(pending.Id));
    }

    private void ThrowIfUnusable()
    {
        if (_disposing)
            throw new ObjectDisposedException(GetType().Name, $"The connection to {RemoteEndPoint} is closing and takes no new requests");
        if (_status.Closed.IsCompleted)
            throw new ConnectionClosedException(RemoteEndPoint, _status.Closed.Result);
    }

    /// <summary>Takes no new requests, waits for those in flight, then closes (FIN, the server's FIN, or reset after close-timeout).</summary>
    public ValueTask DisposeAsync()
    {
        lock (_drained)
            _disposal ??= DisposeOnceAsync();
        return new ValueTask(_disposal);
    }

    /// <summary>Closes without waiting for requests in flight (they fail); for the pool's retirement of a broken or stale connection.</summary>
    internal void Abandon() => _actor.Tell(PoisonPill.Instance);

    private async Task DisposeOnceAsync()
    {
        _disposing = true;
        Interlocked.MemoryBarrier(); // a request finishing now sees the flag, or we see its count
        if (Volatile.Read(ref _inFlight) == 0)
            _drained.TrySetResult();
        await Task.WhenAny(_drained.Task, _status.Closed).ConfigureAwait(false);
        if (!_status.Closed.IsCompleted)
            _actor.Tell(CloseGracefully.Instance);
        try
        {
            // The actor resets the socket itself at close-timeout; this only guards against a hang.
            await _status.Closed.WaitAsync(_settings.CloseTimeout + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Abandon();
        }
        if (_ownsSystem)
            await _system.ReleaseAsync().ConfigureAwait(false);
    }
}
