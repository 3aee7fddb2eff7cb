using System.Collections.Concurrent;

namespace AkkaTcp.Host.Hosting;

/// <summary>The servers the host runs now, by name: started at start-up, changed by reloads, read by the control interface.</summary>
internal sealed class RunningServers
{
    private readonly ConcurrentDictionary<string, AkkaTcpServer> _servers = new(StringComparer.Ordinal);

    public IReadOnlyCollection<AkkaTcpServer> All => _servers.Values.OrderBy(s => s.Settings.Name, StringComparer.Ordinal).ToList();

    public bool TryGet(string name, out AkkaTcpServer server) => _servers.TryGetValue(name, out server!);

    public void Set(AkkaTcpServer server) => _servers[server.Settings.Name] = server;

    public void Remove(string name) => _servers.TryRemove(name, out _);
}
