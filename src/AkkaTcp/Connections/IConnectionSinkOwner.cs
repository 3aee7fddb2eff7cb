namespace AkkaTcp.Connections;

/// <summary>What a <see cref="ConnectionSink"/> asks of the connection it writes for (an interface, not delegates: none are held per idle connection).</summary>
internal interface IConnectionSinkOwner
{
    /// <summary>Output bytes held (gathered and in flight).</summary>
    int HeldOutputBytes { get; }

    /// <summary>The server's max-pending-write-bytes, as its live settings say now.</summary>
    int ServerMaxPendingOutputBytes { get; }

    /// <summary>A deferred reply's work completed; called on any thread.</summary>
    void OnDeferredDone(Task work, object? slot);
}
