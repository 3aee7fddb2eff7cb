using System.Net;
using Akka.Actor;

namespace AkkaTcp.Client;

/// <summary>
/// A minimal pooled Redis (RESP2) client: GET, SET, INCR, and any command through
/// <see cref="ExecuteAsync"/>; over one server, or over the members of an AkkaTcp cluster, which
/// all serve the same keys (the pool fails over between them).
/// </summary>
public sealed class RespClient : IAsyncDisposable
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "Its overload differs in the first parameter's type, not in optional ones: no call is ambiguous.")]
    public RespClient(EndPoint endpoint, ClientSettings? settings = null, ActorSystem? system = null)
        : this([endpoint], settings, system)
    {
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "Its overload differs in the first parameter's type, not in optional ones: no call is ambiguous.")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "Its overload differs in the first parameter's type, not in optional ones: no call is ambiguous.")]
    public RespClient(IReadOnlyList<EndPoint> endpoints, ClientSettings? settings = null, ActorSystem? system = null) =>
        Pool = new(endpoints, RespClientProtocol.Instance, settings, system);

    public ConnectionPool<string[], RespValue> Pool { get; }

    /// <summary>Sends a command (e.g. "HSET", "k", "f", "v") and returns the raw reply; an error reply is returned, not thrown.</summary>
    public Task<RespValue> ExecuteAsync(string[] command, CancellationToken cancellationToken = default) =>
        Pool.SendAsync(command, cancellationToken);

    /// <summary>The value of <paramref name="key"/>, or null when it does not exist.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Checked(await ExecuteAsync(["GET", key], cancellationToken).ConfigureAwait(false)).AsString();

    public async Task SetAsync(string key, string value, TimeSpan? expiry = null, CancellationToken cancellationToken = default)
    {
        string[] command = expiry is { } ttl
            ? ["SET", key, value, "PX", ((long)ttl.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)]
            : ["SET", key, value];
        Checked(await ExecuteAsync(command, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Adds one to the integer at <paramref name="key"/> and returns the new value.</summary>
    public async Task<long> IncrAsync(string key, CancellationToken cancellationToken = default) =>
        Checked(await ExecuteAsync(["INCR", key], cancellationToken).ConfigureAwait(false)).Integer;

    public ValueTask DisposeAsync() => Pool.DisposeAsync();

    private static RespValue Checked(RespValue reply) =>
        reply.IsError ? throw new RespErrorException(reply.Text!) : reply;
}
