using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaTcp.Configuration;
using AkkaTcp.Host.Hosting;
using AkkaTcp.Protocols.JsonRpc;

namespace AkkaTcp.Host.Control;

/// <summary>
/// The control endpoint's methods: stats, connections, kick, suspend, resume, drain, reload, cluster. A
/// server is named by <c>server</c> (every server when absent, where that makes sense); bad
/// arguments are json-rpc errors, never a dropped connection.
/// </summary>
internal sealed class ControlMethods(RunningServers servers, ConfigReload reload, Akka.Actor.ActorSystem system, HostSettings host)
{
    public void Register(JsonRpcMethods methods)
    {
        methods.Add("stats", async _ => await StatsAsync());
        methods.Add("connections", async p => await ConnectionsAsync(OptionalServer(p)));
        methods.Add("kick", async p => await KickAsync(p));
        methods.Add("suspend", async p => await SuspendAsync(OptionalServer(p), suspend: true));
        methods.Add("resume", async p => await SuspendAsync(OptionalServer(p), suspend: false));
        methods.Add("drain", async p => await DrainAsync(RequiredServer(p)));
        methods.Add("reload", async _ => await ReloadAsync());
        methods.Add("cluster", _ => ValueTask.FromResult<JsonNode?>(Cluster()));
    }

    /// <summary>The cluster's members as this node sees them (an empty list when the host is not in a cluster).</summary>
    private JsonNode Cluster()
    {
        var members = new JsonArray();
        if (host.Cluster.Enabled)
        {
            foreach (var (address, status, reachable, leader, self, roles) in ClusterGauge.Members(system))
            {
                members.Add(new JsonObject
                {
                    ["address"] = address,
                    ["status"] = status,
                    ["reachable"] = reachable,
                    ["leader"] = leader,
                    ["self"] = self,
                    ["roles"] = roles,
                });
            }
        }
        return new JsonObject { ["enabled"] = host.Cluster.Enabled, ["members"] = members };
    }

    private async Task<JsonNode> StatsAsync()
    {
        var result = new JsonArray();
        foreach (var server in servers.All)
        {
            var stats = await server.GetStatsAsync();
            var reasons = new JsonObject();
            foreach (var (reason, count) in stats.ClosedByReason.OrderBy(r => r.Key))
                reasons[reason.Name()] = count;
            result.Add(new JsonObject
            {
                ["server"] = server.Settings.Name,
                ["endpoint"] = server.LocalEndPoint.ToString(),
                ["protocol"] = server.Settings.ProtocolName,
                ["maxConnections"] = server.Settings.MaxConnections,
                ["active"] = stats.Active,
                ["queued"] = stats.Queued,
                ["accepted"] = stats.Accepted,
                ["refused"] = stats.Refused,
                ["closed"] = stats.Closed,
                ["closedByReason"] = reasons,
                ["bytesReceived"] = stats.BytesReceived,
                ["bytesSent"] = stats.BytesSent,
                ["framesReceived"] = stats.FramesReceived,
                ["framesSent"] = stats.FramesSent,
                ["suspended"] = stats.Suspended,
            });
        }
        return result;
    }

    private async Task<JsonNode> ConnectionsAsync(string? name)
    {
        var result = new JsonArray();
        foreach (var server in Selected(name))
        {
            foreach (var c in await server.GetConnectionsAsync())
            {
                result.Add(new JsonObject
                {
                    ["id"] = c.Id,
                    ["server"] = c.Server,
                    ["remote"] = c.RemoteEndPoint.ToString(),
                    ["ageSeconds"] = Math.Round(c.Age.TotalSeconds, 1),
                    ["bytesReceived"] = c.BytesReceived,
                    ["bytesSent"] = c.BytesSent,
                    ["pendingWriteBytes"] = c.PendingWriteBytes,
                    ["state"] = c.State,
                    ["protocol"] = server.Settings.ProtocolName,
                });
            }
        }
        return result;
    }

    private async Task<JsonNode> KickAsync(JsonElement? parameters)
    {
        var id = Property(parameters, "id") is { ValueKind: JsonValueKind.Number } idElement ? idElement.GetInt64() : (long?)null;
        var addressText = Property(parameters, "address")?.GetString();
        if (id is null == addressText is null)
            throw new JsonRpcException(JsonRpcException.InvalidParams, "kick needs either \"id\" or \"address\"");
        IPAddress? address = null;
        if (addressText is not null && !IPAddress.TryParse(addressText, out address))
            throw new JsonRpcException(JsonRpcException.InvalidParams, $"not an IP address: {addressText}");
        var kicked = 0;
        foreach (var server in Selected(OptionalServer(parameters)))
            kicked += id is { } one ? (await server.KickAsync(one) ? 1 : 0) : await server.KickAsync(address!);
        return new JsonObject { ["kicked"] = kicked };
    }

    private async Task<JsonNode> SuspendAsync(string? name, bool suspend)
    {
        var names = new JsonArray();
        foreach (var server in Selected(name))
        {
            await (suspend ? server.SuspendAcceptingAsync() : server.ResumeAcceptingAsync());
            names.Add(server.Settings.Name);
        }
        return new JsonObject { [suspend ? "suspended" : "resumed"] = names };
    }

    private async Task<JsonNode> DrainAsync(string name)
    {
        var server = Selected(name).Single();
        var result = await server.StopAsync();
        servers.Remove(name);
        return new JsonObject { ["server"] = name, ["drained"] = result.Drained, ["stillOpen"] = result.StillOpen };
    }

    private async Task<JsonNode> ReloadAsync()
    {
        try
        {
            return new JsonObject { ["changes"] = new JsonArray((await reload.ReloadAsync()).Select(c => (JsonNode)c!).ToArray()) };
        }
        catch (InvalidConfigException e)
        {
            throw new JsonRpcException(JsonRpcException.InvalidParams, "reload refused, nothing changed: " + e.Message);
        }
    }

    private IReadOnlyCollection<AkkaTcpServer> Selected(string? name)
    {
        if (name is null)
            return servers.All;
        return servers.TryGet(name, out var server)
            ? [server]
            : throw new JsonRpcException(JsonRpcException.InvalidParams, $"no server named '{name}' (running: {string.Join(", ", servers.All.Select(s => s.Settings.Name))})");
    }

    private static string? OptionalServer(JsonElement? parameters) => Property(parameters, "server")?.GetString();

    private static string RequiredServer(JsonElement? parameters) =>
        OptionalServer(parameters) ?? throw new JsonRpcException(JsonRpcException.InvalidParams, "name the server: {\"server\": \"main\"}");

    private static JsonElement? Property(JsonElement? parameters, string name) =>
        parameters is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
