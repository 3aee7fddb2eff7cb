namespace AkkaTcp.Client;

/// <summary>The caller gave up on request <paramref name="Id"/> (timeout, cancellation): its reply, if it comes, is dropped.</summary>
internal sealed record ForgetRequest(long Id);

/// <summary>Close after the requests in flight are answered: FIN, then wait for the server's.</summary>
internal sealed class CloseGracefully
{
    public static readonly CloseGracefully Instance = new();

    private CloseGracefully()
    {
    }
}
