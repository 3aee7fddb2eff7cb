namespace AkkaTcp.Client;

/// <summary>Every pooled connection stayed busy (at max-in-flight, pool full) for the whole acquire-timeout.</summary>
public sealed class PoolTimeoutException(string endpoint, TimeSpan timeout, int connections, int maxInFlight)
    : TimeoutException($"No connection to {endpoint} free within {timeout.TotalMilliseconds:0} ms ({connections} connections, each at max-in-flight {maxInFlight})");
