using Akka.Actor;
using Akka.Hosting;
using AkkaTcp.Configuration;
using AkkaTcp.Host.CommandLine;
using AkkaTcp.Host.Control;
using AkkaTcp.Host.Logging;
using AkkaTcp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Serilog;

namespace AkkaTcp.Host.Hosting;

/// <summary>
/// <c>akka-tcp run</c>: validates the configuration (exit 2 with one line if it is bad), then runs
/// the servers under the generic host (Akka.Hosting, Serilog, the metrics and control endpoints)
/// until SIGTERM or Ctrl+C, and turns the shutdown's outcome into the exit code.
/// </summary>
internal static class HostRunner
{
    public static async Task<int> RunAsync(HostCommandLine commandLine)
    {
        AkkaTcpSettings settings;
        HostSettings hostSettings;
        Akka.Configuration.Config config;
        try
        {
            config = HostConfig.Build(commandLine);
            settings = AkkaTcpSettings.Load(config);
            hostSettings = HostSettings.Read(config);
        }
        catch (InvalidConfigException e)
        {
            Console.Error.WriteLine($"akka-tcp: {e.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        var longestDrain = settings.Servers.Max(s => s.DrainTimeout);
        config = HostConfig.WithShutdownTimeouts(config, longestDrain);

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger => HostLogging.Configure(logger));
        // The generic host must outwait Akka's whole CoordinatedShutdown, drain included.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = longestDrain + TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(hostSettings);
        builder.Services.AddSingleton(commandLine);
        builder.Services.AddSingleton<RunningServers>();
        builder.Services.AddSingleton<ConfigReload>();
        builder.Services.AddSingleton<ControlMethods>();
        // The host's IMeterFactory owns the AkkaTcp meter: disposed with the host, and the exporter below reads it.
        builder.Services.AddSingleton(services => new AkkaTcpMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        if (hostSettings.Prometheus is { Enabled: true } prometheus)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(AkkaTcpMetrics.MeterName, "System.Runtime")
                .AddPrometheusHttpListener(options =>
                {
                    options.Host = prometheus.Host;
                    options.Port = prometheus.Port;
                }));
        }
        builder.Services.AddAkka(ClusterSettings.SystemName, akka =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            if (hostSettings.Cluster.Enabled)
                ClusterHosting.Configure(akka, hostSettings.Cluster);
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
        });
        if (hostSettings.Cluster.Enabled)
            builder.Services.AddSingleton(services => new ClusterGauge(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), services.GetRequiredService<ActorSystem>()));
        builder.Services.AddHostedService<ServersHostedService>();
        builder.Services.AddHostedService<ControlHostedService>();

        using var app = builder.Build();
        using var signals = new ShutdownSignals(app.Services.GetRequiredService<IHostApplicationLifetime>());
        using var reloadSignal = new ReloadSignal(app.Services.GetRequiredService<ConfigReload>());
        try
        {
            // Built here rather than inside the host's start, so that a metrics port that cannot be
            // opened is one line, like a server that cannot listen, not a start-up stack trace.
            app.Services.GetService<MeterProvider>();
        }
        catch (InvalidOperationException e) when (e.InnerException is System.Net.HttpListenerException listener)
        {
            app.Services.GetRequiredService<ILogger<PrometheusSettings>>().LogCritical(
                "The metrics endpoint cannot listen on {Host}:{Port}: {Error}", hostSettings.Prometheus.Host, hostSettings.Prometheus.Port, listener.Message);
            return ExitCodes.StartFailed;
        }
        await app.StartAsync();
        app.Services.GetService<ClusterGauge>(); // registers the gauge, when in a cluster
        await app.WaitForShutdownAsync();

        var exitCode = Environment.ExitCode;
        var report = AkkaTcpShutdown.Get(app.Services.GetRequiredService<ActorSystem>()).Report;
        if (exitCode == ExitCodes.Ok && report.IsCompletedSuccessfully)
        {
            var logger = app.Services.GetRequiredService<ILogger<ShutdownReport>>();
            logger.LogInformation("{Summary}", report.Result.ToString());
            if (!report.Result.Clean)
                exitCode = ExitCodes.ConnectionsCut;
        }
        return exitCode;
    }
}
