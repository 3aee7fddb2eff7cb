using System.Net;
using Akka.Configuration;
using AkkaTcp.Configuration;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// A TestKit spec with AkkaTcp's reference configuration, which starts servers on free loopback
/// ports. Timeouts go through Dilated so a loaded machine slows the test, not fails it.
/// </summary>
public abstract class ServerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config TestConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.log-dead-letters = off
        akka.test.timefactor = 2
        """);

    /// <summary>
    /// AKKATCP_TEST_EXECUTOR=inline runs every spec's actors as the console host runs them: on the
    /// default dispatcher with the inline executor and the compact mailbox (with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
    /// in the environment too, mailboxes run on the socket engine threads). Unset: the library's defaults.
    /// </summary>
    private static readonly Config ExecutorConfig = Environment.GetEnvironmentVariable("AKKATCP_TEST_EXECUTOR") == "inline"
        ? AkkaTcpConfig.InlineExecution
        : Config.Empty;

    protected ServerSpec(ITestOutputHelper output, string hocon = "")
        : base(ConfigurationFactory.ParseString(hocon).WithFallback(ExecutorConfig).WithFallback(TestConfig).WithFallback(AkkaTcpConfig.Reference), output: output)
    {
    }

    /// <summary>
    /// Starts the server `main` described by <paramref name="hocon"/> (a full akka-tcp config; the
    /// port defaults to 0, i.e. any free port) and waits until it listens.
    /// </summary>
    protected Task<AkkaTcpServer> StartServerAsync(string hocon = "") =>
        AkkaTcpServer.StartAsync(Sys, LoadSettings(hocon).Servers[0]);

    public static AkkaTcpSettings LoadSettings(string hocon) =>
        AkkaTcpSettings.Load(ConfigurationFactory.ParseString(hocon)
            .WithFallback(ConfigurationFactory.ParseString("akka-tcp.servers.main.port = 0")));

    /// <summary>A client of an echo server (optionally from another loopback address), checked to be served.</summary>
    protected Task<RawLineClient> EchoingClientAsync(AkkaTcpServer server, string line, IPAddress? from = null) =>
        RawLineClient.ConnectEchoedAsync(server.LocalEndPoint, line, Within(), from);

    /// <summary>A cancellation token that fires after the dilated <paramref name="seconds"/>.</summary>
    protected CancellationToken Within(double seconds = 20) =>
        new CancellationTokenSource(Dilated(TimeSpan.FromSeconds(seconds))).Token;

    /// <summary>Waits until <paramref name="condition"/> holds, looking every 20 ms, for up to the dilated <paramref name="seconds"/>.</summary>
    protected Task EventuallyAsync(Func<bool> condition, double seconds = 10) =>
        AwaitConditionAsync(() => Task.FromResult(condition()), Dilated(TimeSpan.FromSeconds(seconds)), TimeSpan.FromMilliseconds(20));
}
