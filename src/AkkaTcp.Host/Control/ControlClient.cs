using System.Net;
using System.Text.Json.Nodes;
using Akka.Actor;
using AkkaTcp.Client;

namespace AkkaTcp.Host.Control;

/// <summary>The ctl and top side of the control endpoint: one json-rpc connection, a deadline per call.</summary>
internal sealed class ControlClient(EndPoint endpoint) : IAsyncDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    // Its own quiet actor system: a command line tool prints its answer or one error line, not Akka's log.
    private readonly ActorSystem _system = ActorSystem.Create("akka-tcp-ctl", "akka.loglevel = OFF\nakka.stdout-loglevel = OFF");
    private JsonRpcClient? _client;

    private JsonRpcClient Client => _client ??= new JsonRpcClient(endpoint, ClientSettings.Default with { MaxInFlight = 4, RequestTimeout = CallTimeout }, _system);

    public async Task<JsonNode> CallAsync(string method, object? parameters = null) =>
        await Client.InvokeAsync<JsonNode>(method, parameters, CallTimeout).ConfigureAwait(false) ?? new JsonObject();

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync().ConfigureAwait(false);
        await _system.Terminate().ConfigureAwait(false);
    }
}
