using Serilog;
using Serilog.Events;

namespace AkkaTcp.Host.Logging;

/// <summary>The host's Serilog pipeline: console, structured properties, Akka's events included.</summary>
internal static class HostLogging
{
    public static LoggerConfiguration Configure(LoggerConfiguration logger) => logger
        // Akka filters its own events by akka.loglevel before they reach us; let them all through.
        .MinimumLevel.Debug()
        .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
        .Enrich.FromLogContext()
        // Akka.IO logs a failed bind with its stack trace; the host reports the same failure in one
        // clear line (ServersHostedService), so that copy is dropped.
        .Filter.ByExcluding(e => e.MessageTemplate.Text.StartsWith("Bind failed for TCP channel", StringComparison.Ordinal))
        // Out of file descriptors, Akka.IO retries accept every 10 ms and warns each time (over a
        // thousand lines in 4 s seen here): let one through every 5 s.
        .Filter.ByExcluding(new RepeatedWarningFilter("Retriable socket error in TcpListener", TimeSpan.FromSeconds(5)).IsRepeat)
        .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}{Exception}");
}
