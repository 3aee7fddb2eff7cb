namespace AkkaTcp;

/// <summary>How a graceful shutdown went, over all servers of an actor system.</summary>
public sealed record ShutdownReport(int Drained, int Cut, TimeSpan Elapsed)
{
    /// <summary>True when every connection closed gracefully within its drain-timeout.</summary>
    public bool Clean => Cut == 0;

    public override string ToString() =>
        $"Shutdown: {Drained} connections drained, {Cut} cut, in {(long)Elapsed.TotalMilliseconds} ms";
}
