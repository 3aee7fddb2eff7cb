using System.Net;
using System.Text.Json;
using Akka.Actor;

namespace AkkaTcp.Client;

/// <summary>A pooled JSON-RPC 2.0 client: many calls in flight per connection, answered in any order.</summary>
public sealed class JsonRpcClient(EndPoint endpoint, ClientSettings? settings = null, ActorSystem? system = null,
    JsonRpcFraming framing = JsonRpcFraming.Lines, JsonSerializerOptions? json = null) : IAsyncDisposable
{
    public ConnectionPool<JsonRpcCall, JsonRpcReply> Pool { get; } = new(endpoint, new JsonRpcClientProtocol(framing, json), settings, system);

    /// <summary>Calls <paramref name="method"/> and returns its result as <typeparamref name="T"/>.</summary>
    /// <exception cref="JsonRpcRemoteException">The server answered with an error.</exception>
    public async Task<T?> InvokeAsync<T>(string method, object? parameters = null, CancellationToken cancellationToken = default) =>
        ResultOf<T>(await Pool.SendAsync(new JsonRpcCall(method, parameters), cancellationToken).ConfigureAwait(false));

    /// <summary>Like <see cref="InvokeAsync{T}(string, object?, CancellationToken)"/> with a timeout of its own.</summary>
    public async Task<T?> InvokeAsync<T>(string method, object? parameters, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ResultOf<T>(await Pool.SendAsync(new JsonRpcCall(method, parameters), timeout, cancellationToken).ConfigureAwait(false));

    public ValueTask DisposeAsync() => Pool.DisposeAsync();

    private T? ResultOf<T>(JsonRpcReply reply)
    {
        if (reply.Error is { } error)
            throw error;
        return reply.Result is { } result ? result.Deserialize<T>(json) : default;
    }
}
