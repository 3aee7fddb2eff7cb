namespace AkkaTcp.Client;

/// <summary>
/// The client half of a protocol: how requests are written and replies read and matched. Any
/// protocol a server speaks gets a client by implementing this with the same framing codecs.
/// </summary>
public interface IClientProtocol<TRequest, TResponse>
{
    Correlation Correlation { get; }

    /// <summary>A request that checks a connection is alive (resp PING), or null when the protocol has none.</summary>
    TRequest? Ping { get; }

    /// <summary>A codec for one connection (it may keep state between reads).</summary>
    IClientCodec<TRequest, TResponse> CreateCodec(int maxFrameSize);
}
