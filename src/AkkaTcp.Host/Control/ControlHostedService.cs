using Akka.Actor;
using AkkaTcp.Configuration;
using AkkaTcp.Host.Hosting;
using AkkaTcp.Protocols.JsonRpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaTcp.Host.Control;

/// <summary>
/// Starts the control endpoint when <c>akka-tcp.control.enabled</c>: an AkkaTcp json-rpc server
/// (named <c>control</c>) answering <see cref="ControlMethods"/>, on loopback unless configured
/// otherwise. It is not one of the configured servers: a reload leaves it alone.
/// </summary>
internal sealed class ControlHostedService(
    ActorSystem system,
    HostSettings hostSettings,
    ControlMethods methods,
    AkkaTcpMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<ControlHostedService> logger) : IHostedService
{
    public const string ServerName = "control";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (hostSettings.Control is not { Enabled: true } control)
            return;
        var settings = AkkaTcpSettings.Load(AkkaTcpConfig.Parse($$"""
            akka-tcp.servers.{{ServerName}} {
              host = "{{control.Host}}"
              port = {{control.Port}}
              protocol = json-rpc
              max-connections = 64
              over-limit = reject
              idle-timeout = 0
            }
            """, "akka-tcp.control")).Servers.Single(s => s.Name == ServerName);
        methods.Register(((JsonRpcProtocol)settings.Protocol).Methods);
        try
        {
            var server = await AkkaTcpServer.StartAsync(system, settings, metrics);
            logger.LogInformation("Control endpoint listening on {EndPoint} (akka-tcp ctl, akka-tcp top)", server.LocalEndPoint);
        }
        catch (ServerStartException e)
        {
            logger.LogCritical("The control endpoint cannot start: {Error}", e.Message);
            Environment.ExitCode = ExitCodes.StartFailed;
            lifetime.StopApplication();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
