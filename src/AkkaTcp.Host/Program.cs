using Akka.Hosting;
using AkkaTcp.Configuration;
using AkkaTcp.Host.CommandLine;
using AkkaTcp.Host.Hosting;
using AkkaTcp.Host.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

HostCommandLine commandLine;
AkkaTcpSettings settings;
Akka.Configuration.Config config;
try
{
    commandLine = HostCommandLine.Parse(args);
    if (commandLine.ShowHelp)
    {
        Console.WriteLine(HostCommandLine.Usage);
        return ExitCodes.Ok;
    }
    config = HostConfig.Build(commandLine);
    settings = AkkaTcpSettings.Load(config);
}
catch (Exception e) when (e is UsageException or InvalidConfigException)
{
    Console.Error.WriteLine($"akka-tcp: {e.Message}");
    return ExitCodes.InvalidConfiguration;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
builder.Logging.ClearProviders();
builder.Services.AddSerilog(logger => HostLogging.Configure(logger));
builder.Services.AddSingleton(settings);
builder.Services.AddAkka("akka-tcp", akka =>
{
    akka.AddHocon(config, HoconAddMode.Prepend);
    akka.ConfigureLoggers(loggers =>
    {
        loggers.ClearLoggers();
        loggers.AddLoggerFactory();
    });
});
builder.Services.AddHostedService<ServersHostedService>();

await builder.Build().RunAsync();
return Environment.ExitCode;
