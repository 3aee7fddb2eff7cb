using System.Net;
using Akka.Actor;
using AkkaTcp.Configuration;
using AkkaTcp.Connections;
using AkkaTcp.Limits;
using AkkaTcp.Protocols;

namespace AkkaTcp.Listening;

/// <summary>
/// The listener's admission bookkeeping: who is served, who waits (first come, first served),
/// and how many connections each IP address holds. Decides for each new connection and picks the
/// next from the waiting room when a served one ends. Single-threaded: the listener's.
/// </summary>
internal sealed class AdmissionControl(ServerSettings settings, ServerMetrics metrics)
{
    private ServerSettings settings = settings;
    private readonly Dictionary<IActorRef, Entry> _entries = new();
    private readonly LinkedList<IActorRef> _waiting = new();
    private readonly Dictionary<IPAddress, int> _perIp = new();
    private SourceRateLimiter _acceptRates = new(settings.AcceptRatePerIp.PerSecond, settings.AcceptRatePerIp.Burst);
    private long _ratesSweptAt;
    private int _readingHeader; // connections reading a PROXY header: they hold no slot yet

    public int Active { get; private set; }

    public int Queued => _waiting.Count;

    /// <summary>Connection actors alive: served, waiting, or being refused.</summary>
    public int Live => _entries.Count;

    public IEnumerable<IActorRef> Connections => _entries.Keys;

    /// <summary>Connection actors alive that still owe the client something (not yet finished).</summary>
    public int Owing => _entries.Count - _finished;

    private int _finished;

    /// <summary>Records that a connection owes nothing more; false if it is unknown or was already finished.</summary>
    public bool MarkFinished(IActorRef connection)
    {
        if (!_entries.TryGetValue(connection, out var entry) || entry.Finished)
            return false;
        entry.Finished = true;
        _finished++;
        return true;
    }

    /// <summary>
    /// Decides what happens to a new connection from <paramref name="address"/>; a refusal says
    /// why in <paramref name="refusal"/> (one of <see cref="RefusalReasons"/>).
    /// </summary>
    public Admission Decide(IPAddress address, out string? refusal)
    {
        refusal = null;
        if (!TakeAcceptToken(address))
        {
            refusal = RefusalReasons.RateLimited;
            return Admission.RateLimit;
        }
        if (settings.MaxConnectionsPerIp > 0 && _perIp.GetValueOrDefault(address) >= settings.MaxConnectionsPerIp)
        {
            refusal = RefusalReasons.MaxConnectionsPerIp;
            return Admission.Refuse;
        }
        if (Active < settings.MaxConnections)
            return Admission.Serve;
        if (settings.OverLimit == OverLimitPolicy.Queue && _waiting.Count < settings.MaxQueuedConnections)
            return Admission.Queue;
        refusal = settings.OverLimit == OverLimitPolicy.Queue ? RefusalReasons.QueueFull : RefusalReasons.MaxConnections;
        return Admission.Refuse;
    }

    /// <summary>
    /// With the PROXY protocol: the address is the load balancer's, so only whether it may send a
    /// header is decided now (the limits apply once the header names the client). Connections
    /// reading a header are at most max-connections; past that they are refused.
    /// </summary>
    public Admission DecideBeforeProxyHeader(IPAddress address, out string? refusal)
    {
        refusal = null;
        var proxy = settings.ProxyProtocol;
        if (proxy.Mode == ProxyProtocolMode.Required && !proxy.Trusts(address))
        {
            refusal = RefusalReasons.ProxyProtocol;
            return Admission.ProxyRefused;
        }
        if (_readingHeader >= settings.MaxConnections)
        {
            refusal = RefusalReasons.MaxConnections;
            return Admission.Refuse;
        }
        return Admission.ReadProxyHeader;
    }

    public bool TryGetInfo(IActorRef connection, out ConnectionInfo info)
    {
        info = null!;
        if (!_entries.TryGetValue(connection, out var entry))
            return false;
        info = entry.Info;
        return true;
    }

    /// <summary>A connection that read its PROXY header, admitted as a new one with the client's identity.</summary>
    public void Readmit(IActorRef connection, ConnectionInfo info, IPAddress address, Admission admission)
    {
        var entry = _entries[connection];
        if (entry.ReadingHeader)
        {
            entry.ReadingHeader = false;
            _readingHeader--;
        }
        entry.Info = info;
        entry.Address = address;
        Hold(connection, entry, admission);
    }

    public void Add(IActorRef connection, IActorRef socket, ConnectionInfo info, IPAddress address, Admission admission)
    {
        var entry = new Entry(info, address, socket);
        _entries[connection] = entry;
        if (admission == Admission.ReadProxyHeader)
        {
            entry.ReadingHeader = true;
            _readingHeader++;
            return;
        }
        Hold(connection, entry, admission);
    }

    private void Hold(IActorRef connection, Entry entry, Admission admission)
    {
        if (admission is not (Admission.Serve or Admission.Queue))
            return;
        var address = entry.Address;
        _perIp[address] = _perIp.GetValueOrDefault(address) + 1;
        if (admission == Admission.Serve)
            Serve();
        else
        {
            entry.WaitingNode = _waiting.AddLast(connection);
            metrics.OnQueued();
        }
        entry.Holds = true;
    }

    /// <summary>
    /// Forgets an ended connection; false if it was not known (already forgotten). Returns in
    /// <paramref name="admitted"/> the waiting ones it let in, oldest first.
    /// </summary>
    public bool TryForget(IActorRef connection, out IReadOnlyList<IActorRef> admitted)
    {
        admitted = [];
        if (!_entries.Remove(connection, out var entry))
            return false;
        if (entry.Finished)
            _finished--;
        if (entry.ReadingHeader)
            _readingHeader--;
        if (!entry.Holds)
            return true;
        if (--_perIp[entry.Address] == 0)
            _perIp.Remove(entry.Address);
        if (entry.WaitingNode is not null)
        {
            _waiting.Remove(entry.WaitingNode);
            metrics.OnDequeued();
            return true;
        }
        Active--;
        metrics.OnServedEnded();
        admitted = AdmitWaiting();
        return true;
    }

    private void Serve()
    {
        Active++;
        metrics.OnServed();
    }

    /// <summary>One accept from <paramref name="address"/> against its max-accept-rate-per-ip bucket; the table is swept at most once a second.</summary>
    private bool TakeAcceptToken(IPAddress address)
    {
        if (!settings.AcceptRatePerIp.Enabled)
            return true;
        var now = Environment.TickCount64;
        if (now - _ratesSweptAt >= 1000)
        {
            _acceptRates.Sweep(now);
            _ratesSweptAt = now;
        }
        return _acceptRates.TryTake(address, now);
    }

    /// <summary>Applies new limits; returns the waiting connections a higher max-connections lets in, oldest first.</summary>
    public IReadOnlyList<IActorRef> Update(ServerSettings next)
    {
        if (next.AcceptRatePerIp != settings.AcceptRatePerIp)
            _acceptRates = new SourceRateLimiter(next.AcceptRatePerIp.PerSecond, next.AcceptRatePerIp.Burst);
        settings = next;
        return AdmitWaiting();
    }

    /// <summary>The connection with this id, or every one from this address.</summary>
    public List<IActorRef> Matching(long? id, IPAddress? address)
    {
        var matching = new List<IActorRef>();
        foreach (var (connection, entry) in _entries)
        {
            if ((id is not null && entry.Info.Id == id) || (address is not null && entry.Address.Equals(address)))
                matching.Add(connection);
        }
        return matching;
    }

    /// <summary>The socket of a connection still known (not yet forgotten), or null.</summary>
    public IActorRef? SocketOf(IActorRef connection) => _entries.TryGetValue(connection, out var entry) ? entry.Socket : null;

    public string Describe(IActorRef connection) =>
        _entries.TryGetValue(connection, out var entry) ? entry.Info.ToString() : connection.Path.Name;

    private List<IActorRef> AdmitWaiting()
    {
        var admitted = new List<IActorRef>();
        while (Active < settings.MaxConnections && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            _entries[first.Value].WaitingNode = null;
            metrics.OnDequeued();
            Serve();
            admitted.Add(first.Value);
        }
        return admitted;
    }

    private sealed class Entry(ConnectionInfo info, IPAddress address, IActorRef socket)
    {
        /// <summary>Akka.IO's actor for the socket, to reset it if the connection dies before it could.</summary>
        public IActorRef Socket { get; } = socket;
        public ConnectionInfo Info { get; set; } = info;
        public IPAddress Address { get; set; } = address;
        /// <summary>Reading its PROXY header: counted apart, holding no slot yet.</summary>
        public bool ReadingHeader { get; set; }
        /// <summary>Counted as served or waiting (refused connections hold no slot).</summary>
        public bool Holds { get; set; }
        public LinkedListNode<IActorRef>? WaitingNode { get; set; }
        /// <summary>Owes the client nothing more (see <see cref="ConnectionFinished"/>).</summary>
        public bool Finished { get; set; }
    }
}
