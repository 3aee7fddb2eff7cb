namespace AkkaTcp.Connections;

/// <summary>What the listener decided for a new connection.</summary>
internal enum Admission
{
    /// <summary>Serve it now.</summary>
    Serve,

    /// <summary>Hold it unread in the waiting room until <see cref="Connection.Admit"/> arrives.</summary>
    Queue,

    /// <summary>Send the protocol's busy reply and close.</summary>
    Refuse,

    /// <summary>Like <see cref="Refuse"/>, counted as rate-limited: its address connects too often.</summary>
    RateLimit,

    /// <summary>Read a PROXY protocol header first; the listener decides again with the client address it names.</summary>
    ReadProxyHeader,

    /// <summary>Close with reason proxy-protocol: a source not in trusted-proxies where a header is required.</summary>
    ProxyRefused,
}
