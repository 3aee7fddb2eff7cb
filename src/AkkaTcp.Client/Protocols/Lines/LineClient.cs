using System.Net;
using Akka.Actor;

namespace AkkaTcp.Client;

/// <summary>A pooled client for line protocols (echo, random): one line out, one line back.</summary>
public sealed class LineClient(EndPoint endpoint, ClientSettings? settings = null, ActorSystem? system = null, string? ping = null) : IAsyncDisposable
{
    public ConnectionPool<string, string> Pool { get; } = new(endpoint, new LineClientProtocol(ping), settings, system);

    /// <summary>Sends <paramref name="line"/> (without its newline) and returns the reply line.</summary>
    public Task<string> SendAsync(string line, CancellationToken cancellationToken = default) => Pool.SendAsync(line, cancellationToken);

    public ValueTask DisposeAsync() => Pool.DisposeAsync();
}
