using Akka.Actor;
using AkkaTcp.Configuration;
using AkkaTcp.Host.CommandLine;
using Microsoft.Extensions.Logging;

namespace AkkaTcp.Host.Hosting;

/// <summary>
/// Reloads the configuration the host started with (its file, or the built-in one, with the same
/// --set and --port/--host/--protocol overrides), on SIGHUP or from the control interface, and
/// applies it server by server: new ones start, removed ones drain and stop, changed ones take
/// their live settings without dropping a connection, or are restarted (drained, bound again) when
/// what changed needs it. An invalid file changes nothing and is one error line naming the key.
/// The host's own blocks (akka-tcp.host, akka-tcp.metrics) apply at the next start.
/// </summary>
internal sealed class ConfigReload(
    ActorSystem system,
    HostCommandLine commandLine,
    AkkaTcpMetrics metrics,
    RunningServers servers,
    ILogger<ConfigReload> logger)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Reloads and applies; returns one line per change (none when nothing changed), or throws <see cref="InvalidConfigException"/> having changed nothing.</summary>
    public async Task<IReadOnlyList<string>> ReloadAsync()
    {
        await _oneAtATime.WaitAsync().ConfigureAwait(false);
        try
        {
            AkkaTcpSettings next;
            try
            {
                next = AkkaTcpSettings.Load(HostConfig.Build(commandLine));
            }
            catch (InvalidConfigException e)
            {
                logger.LogError("Reload refused, nothing changed: {Error}", e.Message);
                throw;
            }
            var changes = new List<string>();
            try
            {
                foreach (var running in servers.All)
                {
                    if (next.Servers.All(s => s.Name != running.Settings.Name))
                    {
                        var drained = await running.StopAsync().ConfigureAwait(false);
                        servers.Remove(running.Settings.Name);
                        changes.Add($"server {running.Settings.Name} removed: stopped after draining {drained.Drained} connections");
                    }
                }
                foreach (var settings in next.Servers)
                {
                    if (await ApplyAsync(settings).ConfigureAwait(false) is { } change)
                        changes.Add(change);
                }
            }
            catch (Exception e)
            {
                // Not a configuration error: a SIGHUP's caller has no one to tell but the log.
                logger.LogError(e, "Reload failed part way ({Done} changes applied: {Changes})", changes.Count, string.Join("; ", changes));
                throw;
            }
            if (changes.Count == 0)
                logger.LogInformation("Reload: nothing changed");
            foreach (var change in changes)
                logger.LogInformation("Reload: {Change}", change);
            return changes;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>What became of one server of the new configuration; null when nothing changed.</summary>
    private async Task<string?> ApplyAsync(ServerSettings settings)
    {
        if (!servers.TryGet(settings.Name, out var running))
            return $"server {settings.Name} added: " + await StartAsync(settings).ConfigureAwait(false);
        if (running.RestartNeededFor(settings) is { } reason)
        {
            var drained = await running.StopAsync().ConfigureAwait(false);
            servers.Remove(settings.Name);
            return $"server {settings.Name} restarted ({reason}; {drained.Drained} connections drained): " + await StartAsync(settings).ConfigureAwait(false);
        }
        return await running.UpdateSettingsAsync(settings).ConfigureAwait(false)
            ? $"server {settings.Name} updated live (max-connections={settings.MaxConnections}, idle-timeout={settings.IdleTimeout})"
            : null;
    }

    private async Task<string> StartAsync(ServerSettings settings)
    {
        try
        {
            var server = await AkkaTcpServer.StartAsync(system, settings, metrics).ConfigureAwait(false);
            servers.Set(server);
            return $"listening on {server.LocalEndPoint} protocol={settings.ProtocolName}";
        }
        catch (ServerStartException e)
        {
            return $"not started: {e.Message}";
        }
    }
}
