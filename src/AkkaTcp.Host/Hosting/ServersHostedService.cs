using Akka.Actor;
using AkkaTcp.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaTcp.Host.Hosting;

/// <summary>
/// Starts every configured server once the actor system is up, logging one line per server. If a
/// server cannot start, logs why in one line and stops the host with <see cref="ExitCodes.StartFailed"/>.
/// </summary>
internal sealed class ServersHostedService(
    ActorSystem system,
    AkkaTcpSettings settings,
    HostSettings hostSettings,
    AkkaTcpMetrics metrics,
    RunningServers running,
    IHostApplicationLifetime lifetime,
    ILogger<ServersHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        CheckOpenFileLimit();
        try
        {
            var servers = await AkkaTcpServer.StartAllAsync(system, settings, metrics);
            foreach (var server in servers)
            {
                running.Set(server);
                var s = server.Settings;
                if (s.Transport == Transport.Udp)
                {
                    logger.LogInformation(
                        "Server {Server} listening on {EndPoint} transport=udp protocol={Protocol} max-datagram-size={MaxDatagramSize} " +
                        "rate-limit-per-source={RateLimit} max-reply-factor={MaxReplyFactor}",
                        s.Name, server.LocalEndPoint, s.ProtocolName, s.Datagram.MaxDatagramSize, s.Datagram.RateLimitPerSource, s.Datagram.MaxReplyFactor);
                    continue;
                }
                logger.LogInformation(
                    "Server {Server} listening on {EndPoint} protocol={Protocol} max-connections={MaxConnections} over-limit={OverLimit} " +
                    "max-connections-per-ip={MaxPerIp} max-frame-size={MaxFrameSize} idle-timeout={IdleTimeout} write-timeout={WriteTimeout} " +
                    "max-pending-write-bytes={MaxPending}",
                    s.Name, server.LocalEndPoint, s.ProtocolName, s.MaxConnections, s.OverLimit.ToString().ToLowerInvariant(),
                    s.MaxConnectionsPerIp, s.MaxFrameSize, s.IdleTimeout, s.WriteTimeout, s.MaxPendingWriteBytes);
            }
        }
        catch (ServerStartException e)
        {
            logger.LogCritical("{Error}", e.Message);
            Environment.ExitCode = ExitCodes.StartFailed;
            lifetime.StopApplication();
        }
    }

    private void CheckOpenFileLimit()
    {
        if (OpenFileLimit.Read() is not { } limit)
            return;
        var needed = settings.MaxHeldConnections + hostSettings.OpenFilesReserve;
        if (needed > limit)
        {
            logger.LogWarning(
                "Open-file limit is {Limit}, but the servers may hold {Connections} connections plus {Reserve} other files (akka-tcp.host.open-files-reserve): " +
                "raise it (ulimit -n, LimitNOFILE=) or lower max-connections. Beyond it new clients wait in the kernel's backlog until descriptors free up.",
                limit, settings.MaxHeldConnections, hostSettings.OpenFilesReserve);
        }
        else
        {
            logger.LogInformation("Open-file limit is {Limit}; the servers may hold {Connections} connections", limit, settings.MaxHeldConnections);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
