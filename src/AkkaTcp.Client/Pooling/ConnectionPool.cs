using System.Net;
using Akka.Actor;
using Akka.Event;

namespace AkkaTcp.Client;

/// <summary>
/// Multiplexed connections to one endpoint, or to several (the members of a cluster), over which
/// connections are spread and between which the pool fails over. A request goes to the open connection with the fewest
/// requests in flight; when all are at max-in-flight a new one is dialled (up to
/// max-connections), else the caller waits, first come first served, up to acquire-timeout.
/// Connections idle past idle-timeout are redialled before use, ones past max-lifetime retired
/// when idle, lost ones dropped at once (the pool never hands out a closed connection) and,
/// below min-idle, redialled in the background with exponential backoff. With several endpoints,
/// one that fails a dial is skipped (the dial goes on to the next at once) and retried after a
/// backoff of its own (<see cref="EndpointRotation"/>); requests in flight on a lost connection
/// fail with <see cref="ConnectionClosedException"/>, new ones go to the connections left and to
/// endpoints that answer.
/// </summary>
public sealed class ConnectionPool<TRequest, TResponse> : IAsyncDisposable, IPoolGauges
{
    private readonly object _lock = new();
    private readonly List<ClientConnection<TRequest, TResponse>> _connections = [];
    private readonly WaitingCallers<ClientConnection<TRequest, TResponse>> _waiters = new();
    private readonly ClientActorSystem _system;
    private readonly EndpointRotation _endpoints;
    private readonly IClientProtocol<TRequest, TResponse> _protocol;
    private readonly ClientSettings _settings;
    private readonly PoolSettings _pool;
    private readonly ILoggingAdapter _log;
    private readonly Timer _maintenance;
    private int _dialing;
    private bool _disposed;
    private TimeSpan _backoff;
    private long _nextBackgroundDialAt;
    private Task? _disposal;

    /// <summary>Creates the pool; without <paramref name="system"/> it runs in an actor system of its own. Dials nothing until used or <see cref="WarmUpAsync"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "Its overload differs in the first parameter's type, not in optional ones: no call is ambiguous.")]
    public ConnectionPool(EndPoint endpoint, IClientProtocol<TRequest, TResponse> protocol, ClientSettings? settings = null, ActorSystem? system = null)
        : this([endpoint], protocol, settings, system)
    {
    }

    /// <summary>A pool over several endpoints (the members of a cluster that serve the same data); see the class remarks for failover.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "Its overload differs in the first parameter's type, not in optional ones: no call is ambiguous.")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "Its overload differs in the first parameter's type, not in optional ones: no call is ambiguous.")]
    public ConnectionPool(IReadOnlyList<EndPoint> endpoints, IClientProtocol<TRequest, TResponse> protocol, ClientSettings? settings = null, ActorSystem? system = null)
    {
        _protocol = protocol;
        _settings = settings ?? ClientSettings.Default;
        _pool = _settings.Pool;
        _endpoints = new EndpointRotation(endpoints, _pool.ReconnectMinBackoff, _pool.ReconnectMaxBackoff);
        EndPoint = endpoints[0];
        EndPointName = string.Join(",", endpoints);
        _system = system is null ? ClientActorSystem.CreateOwn() : ClientActorSystem.Borrow(system);
        _log = Logging.GetLogger(_system.System, "AkkaTcp.Client.ConnectionPool");
        _backoff = _pool.ReconnectMinBackoff;
        var period = TimeSpan.FromSeconds(1);
        if (_pool.IdleTimeout > TimeSpan.Zero && _pool.IdleTimeout / 2 < period)
            period = _pool.IdleTimeout / 2;
        if (_pool.ReconnectMinBackoff < period)
            period = _pool.ReconnectMinBackoff;
        _maintenance = new Timer(static state => ((ConnectionPool<TRequest, TResponse>)state!).Maintain(), this, period, period);
        ClientMetrics.Register(this);
    }

    /// <summary>The first endpoint (the only one of a single-endpoint pool).</summary>
    public EndPoint EndPoint { get; }

    /// <summary>Every endpoint the pool dials.</summary>
    public IReadOnlyList<EndPoint> EndPoints => _endpoints.EndPoints;

    public string EndPointName { get; }

    /// <summary>Open connections.</summary>
    public int Connections
    {
        get
        {
            lock (_lock)
                return _connections.Count;
        }
    }

    /// <summary>Open connections with no request in flight or about to be sent.</summary>
    public int IdleConnections
    {
        get
        {
            lock (_lock)
            {
                var idle = 0;
                foreach (var connection in _connections)
                    idle += connection.SlotsTaken == 0 ? 1 : 0;
                return idle;
            }
        }
    }

    /// <summary>Callers waiting for a connection with a free request slot.</summary>
    public int WaitingCallers => _waiters.Count;

    /// <summary>Replies all connections still owe (0 when nothing is in flight: nothing leaks).</summary>
    public int PendingReplies
    {
        get
        {
            lock (_lock)
            {
                var pending = 0;
                foreach (var connection in _connections)
                    pending += connection.PendingReplies;
                return pending;
            }
        }
    }

    /// <summary>Sends with the default request-timeout.</summary>
    public Task<TResponse> SendAsync(TRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(request, _settings.RequestTimeout, cancellationToken);

    /// <summary>Sends on the least busy connection and waits for the reply (see <see cref="ClientConnection{TRequest,TResponse}.SendAsync(TRequest,TimeSpan,CancellationToken)"/>).</summary>
    /// <exception cref="PoolTimeoutException">No connection had a free slot within acquire-timeout.</exception>
    /// <exception cref="ConnectionFailedException">A connection had to be dialled and could not be.</exception>
    public async Task<TResponse> SendAsync(TRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var connection = await AcquireAsync(cancellationToken).ConfigureAwait(false);
        return await connection.SendOnTakenSlotAsync(request, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Dials until min-idle connections are open.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_connections.Count + _dialing >= _pool.MinIdle)
                    return;
                _dialing++;
            }
            await DialAsync(takeSlot: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A connection with a request slot taken for the caller.</summary>
    private async ValueTask<ClientConnection<TRequest, TResponse>> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ClientConnection<TRequest, TResponse>? chosen = null;
            LinkedListNode<TaskCompletionSource<ClientConnection<TRequest, TResponse>>>? waiter = null;
            var dial = false;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                // Callers already waiting go first.
                if (_waiters.Count == 0)
                {
                    chosen = TakeFreeSlot();
                    if (chosen is null && _connections.Count + _dialing < _pool.MaxConnections)
                    {
                        _dialing++;
                        dial = true;
                    }
                }
                if (chosen is null && !dial)
                {
                    waiter = _waiters.Enqueue();
                }
            }
            if (chosen is not null)
            {
                if (await IsHealthyAsync(chosen).ConfigureAwait(false))
                    return chosen;
                chosen.ReturnSlot();
                // Presumed dead: reset, not a graceful close that would wait on it.
                lock (_lock)
                    _connections.Remove(chosen);
                _log.Warning("Pool {0}: connection from {1} failed its health check; replacing it", EndPointName, chosen.LocalEndPoint);
                chosen.Abandon();
                continue;
            }
            if (dial)
                return (await DialAsync(takeSlot: true, cancellationToken).ConfigureAwait(false))!; // never null with takeSlot
            // A slot may have come free between our look and our queueing: hand it out now.
            ServeWaiters();
            return await WaitForSlotAsync(waiter!, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ClientConnection<TRequest, TResponse>> WaitForSlotAsync(
        LinkedListNode<TaskCompletionSource<ClientConnection<TRequest, TResponse>>> waiter, CancellationToken cancellationToken)
    {
        try
        {
            return await waiter.Value.Task.WaitAsync(_pool.AcquireTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_lock)
                _waiters.Remove(waiter);
            // Handed a slot just as it gave up: pass the slot on.
            if (waiter.Value.Task.IsCompletedSuccessfully)
            {
                var handed = waiter.Value.Task.Result;
                handed.ReturnSlot();
                OnSlotFreed(handed);
            }
            if (e is OperationCanceledException)
                throw;
            int connections;
            lock (_lock)
                connections = _connections.Count;
            throw new PoolTimeoutException(EndPointName, _pool.AcquireTimeout, connections, _settings.MaxInFlight);
        }
    }

    /// <summary>Under the lock: a slot on the open connection with the fewest slots taken, retiring stale ones on the way.</summary>
    private ClientConnection<TRequest, TResponse>? TakeFreeSlot()
    {
        var now = Environment.TickCount64;
        ClientConnection<TRequest, TResponse>? best = null;
        for (var i = _connections.Count - 1; i >= 0; i--)
        {
            var connection = _connections[i];
            if (connection.SlotsTaken == 0 && connection.PendingReplies == 0 && IsStale(connection, now, out var why))
            {
                _connections.RemoveAt(i);
                RetireInBackground(connection, why);
                continue;
            }
            if (connection.IsOpen && connection.SlotsTaken < _settings.MaxInFlight && (best is null || connection.SlotsTaken < best.SlotsTaken))
                best = connection;
        }
        return best is not null && best.TryTakeSlot() ? best : null;
    }

    private bool IsStale(ClientConnection<TRequest, TResponse> connection, long now, out string why)
    {
        why = "";
        if (_pool.IdleTimeout > TimeSpan.Zero && now - connection.LastActivityAt > _pool.IdleTimeout.TotalMilliseconds)
            why = $"idle longer than idle-timeout ({_pool.IdleTimeout})";
        else if (_pool.MaxLifetime > TimeSpan.Zero && now - connection.CreatedAt > _pool.MaxLifetime.TotalMilliseconds)
            why = $"older than max-lifetime ({_pool.MaxLifetime})";
        return why.Length > 0;
    }

    private async ValueTask<bool> IsHealthyAsync(ClientConnection<TRequest, TResponse> connection)
    {
        if (_pool.HealthCheckAfterIdle is not { } after || _protocol.Ping is null || connection.InFlight > 0
            || Environment.TickCount64 - connection.LastActivityAt < after.TotalMilliseconds)
            return true;
        return await connection.PingAsync(_settings.ConnectTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Dials one connection (the caller has counted it in _dialing) and adds it; with
    /// <paramref name="takeSlot"/> returns it with a slot taken. An endpoint that cannot be dialled
    /// is marked down and the next one tried at once; the last failure is thrown when none worked.
    /// </summary>
    private async Task<ClientConnection<TRequest, TResponse>?> DialAsync(bool takeSlot, CancellationToken cancellationToken)
    {
        ClientConnection<TRequest, TResponse>? connection = null;
        var tried = new bool[_endpoints.Count];
        while (connection is null)
        {
            int index;
            lock (_lock)
                index = _endpoints.Pick(tried, ConnectionsTo, Environment.TickCount64);
            tried[index] = true;
            try
            {
                connection = await ClientConnection<TRequest, TResponse>.OpenAsync(_system, ownsSystem: false, _endpoints.EndPoints[index], _protocol, _settings, cancellationToken).ConfigureAwait(false);
                lock (_lock)
                    _endpoints.MarkUp(index);
            }
            catch (Exception e)
            {
                var failed = e is ConnectionFailedException;
                var giveUp = !failed || Array.IndexOf(tried, false) < 0; // not a dial failure, or no endpoint left
                lock (_lock)
                {
                    if (failed)
                        _endpoints.MarkDown(index, Environment.TickCount64);
                    else
                        _endpoints.DialEnded(index);
                    if (giveUp)
                        _dialing--;
                }
                if (failed)
                    _log.Warning("Pool {0}: {1}{2}", EndPointName, e.Message, giveUp ? "" : "; trying the next endpoint");
                if (giveUp)
                    throw;
            }
        }
        var slotTaken = takeSlot && connection.TryTakeSlot();
        // Only a connection already closed refuses the first slot (the server closed it at accept).
        var closedAtOnce = takeSlot && !slotTaken;
        bool disposed;
        lock (_lock)
        {
            _dialing--;
            disposed = _disposed;
            if (!disposed)
                _connections.Add(connection);
            _backoff = _pool.ReconnectMinBackoff;
        }
        if (disposed)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(GetType().Name);
        }
        connection.SlotFreed = OnSlotFreed;
        _ = connection.Closed.ContinueWith(static (closed, state) =>
        {
            var (pool, lost) = ((ConnectionPool<TRequest, TResponse>, ClientConnection<TRequest, TResponse>))state!;
            pool.OnClosed(lost, closed.Result);
        }, (this, connection), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _log.Debug("Pool {0}: connection from {1} opened", EndPointName, connection.LocalEndPoint);
        ServeWaiters();
        if (closedAtOnce)
            throw new ConnectionClosedException(EndPoint, connection.Closed.IsCompleted ? connection.Closed.Result : "closed as soon as it was opened");
        return slotTaken ? connection : null;
    }

    /// <summary>Under the lock: the pool's open connections to <paramref name="endpoint"/>.</summary>
    private int ConnectionsTo(EndPoint endpoint)
    {
        var count = 0;
        foreach (var connection in _connections)
            count += connection.RemoteEndPoint.Equals(endpoint) ? 1 : 0;
        return count;
    }

    private void OnSlotFreed(ClientConnection<TRequest, TResponse> connection)
    {
        if (_waiters.Count > 0)
            ServeWaiters();
    }

    /// <summary>Hands free slots to waiting callers in order; dials for them when no slot is free and the pool has room.</summary>
    private void ServeWaiters()
    {
        var dial = false;
        lock (_lock)
        {
            while (_waiters.Count > 0)
            {
                var connection = TakeFreeSlot();
                if (connection is null)
                {
                    if (!_disposed && _connections.Count + _dialing < _pool.MaxConnections)
                    {
                        _dialing++;
                        dial = true;
                    }
                    break;
                }
                _waiters.ServeFirst(connection);
            }
        }
        if (dial)
            DialInBackground();
    }

    private void OnClosed(ClientConnection<TRequest, TResponse> connection, string reason)
    {
        bool wasPooled;
        lock (_lock)
            wasPooled = _connections.Remove(connection);
        if (wasPooled && !_disposed)
            _log.Warning("Pool {0}: connection from {1} lost ({2}); it takes no more requests", EndPointName, connection.LocalEndPoint, reason);
        ServeWaiters();
    }

    /// <summary>Timer: retires stale idle connections, keeps min-idle open (dialling with backoff).</summary>
    private void Maintain()
    {
        var dial = false;
        lock (_lock)
        {
            if (_disposed)
                return;
            var now = Environment.TickCount64;
            for (var i = _connections.Count - 1; i >= 0; i--)
            {
                var connection = _connections[i];
                if (_connections.Count > _pool.MinIdle && connection.SlotsTaken == 0 && connection.PendingReplies == 0 && IsStale(connection, now, out var why))
                {
                    _connections.RemoveAt(i);
                    RetireInBackground(connection, why);
                }
            }
            if (_connections.Count + _dialing < _pool.MinIdle && now >= _nextBackgroundDialAt)
            {
                _dialing++;
                dial = true;
            }
        }
        if (dial)
            DialInBackground();
    }

    private void DialInBackground() => _ = DialInBackgroundAsync();

    private async Task DialInBackgroundAsync()
    {
        try
        {
            await DialAsync(takeSlot: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectionFailedException or ObjectDisposedException)
        {
            List<TaskCompletionSource<ClientConnection<TRequest, TResponse>>>? stranded = null;
            lock (_lock)
            {
                _nextBackgroundDialAt = Environment.TickCount64 + (long)_backoff.TotalMilliseconds;
                _log.Info("Pool {0}: next dial in {1} ms", EndPointName, (long)_backoff.TotalMilliseconds);
                _backoff = _backoff * 2 > _pool.ReconnectMaxBackoff ? _pool.ReconnectMaxBackoff : _backoff * 2;
                // Nothing open and nothing being dialled: no slot can free up, so the callers
                // waiting get the connect error now rather than a timeout later.
                if (_connections.Count == 0 && _dialing == 0 && _waiters.Count > 0)
                    stranded = _waiters.TakeAll();
            }
            if (stranded is not null)
            {
                foreach (var waiter in stranded)
                    waiter.TrySetException(e);
            }
        }
    }

    private void RetireInBackground(ClientConnection<TRequest, TResponse> connection, string why)
    {
        _log.Debug("Pool {0}: closing connection from {1}: {2}", EndPointName, connection.LocalEndPoint, why);
        _ = connection.DisposeAsync().AsTask();
    }

    /// <summary>Takes no new requests, fails waiting callers, lets requests in flight finish, then closes every connection.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_lock)
            _disposal ??= DisposeOnceAsync();
        return new ValueTask(_disposal);
    }

    private async Task DisposeOnceAsync()
    {
        List<ClientConnection<TRequest, TResponse>> connections;
        lock (_lock)
        {
            _disposed = true;
            foreach (var waiter in _waiters.TakeAll())
                waiter.TrySetException(new ObjectDisposedException(GetType().Name, $"The pool for {EndPointName} was disposed"));
            connections = [.. _connections];
            _connections.Clear();
        }
        await _maintenance.DisposeAsync().ConfigureAwait(false);
        ClientMetrics.Unregister(this);
        var closing = new Task[connections.Count];
        for (var i = 0; i < connections.Count; i++)
            closing[i] = connections[i].DisposeAsync().AsTask();
        await Task.WhenAll(closing).ConfigureAwait(false);
        await _system.ReleaseAsync().ConfigureAwait(false);
    }
}
