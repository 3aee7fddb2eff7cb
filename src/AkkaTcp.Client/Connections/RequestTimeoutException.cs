namespace AkkaTcp.Client;

/// <summary>One request got no reply within its timeout. Other requests are unaffected; its late reply is dropped.</summary>
public sealed class RequestTimeoutException(TimeSpan timeout)
    : TimeoutException($"No reply within {timeout.TotalMilliseconds:0} ms")
{
    public TimeSpan Timeout { get; } = timeout;
}
