using System.Net;
using System.Text.Json.Nodes;
using AkkaTcp.Client;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Host;

/// <summary>The host's control endpoint, through `akka-tcp ctl` and `akka-tcp top` run as an operator would, and through a json-rpc client.</summary>
public sealed class ControlEndpointTests(ITestOutputHelper output)
{
    private static CancellationToken Within(double seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static (HostProcess Host, string Control) StartHost(params string[] args)
    {
        var port = ReusablePort.Next();
        var host = HostProcess.Start(["--port", "0", "--set", "akka-tcp.control.enabled=on", "--set", $"akka-tcp.control.port={port}", .. args]);
        return (host, $"127.0.0.1:{port}");
    }

    [Fact]
    public async Task Ctl_lists_connections_kicks_one_by_address_and_prints_stats()
    {
        var (host, control) = StartHost();
        await using var _ = host;
        var endPoint = await host.WaitUntilListeningAsync(Within());
        await host.WaitForLineAsync(l => l.Contains("Control endpoint listening"), Within());
        await using var kicked = await RawLineClient.ConnectEchoedAsync(endPoint, "kick me", Within(), IPAddress.Parse("127.0.0.2"));
        await using var kept = await RawLineClient.ConnectEchoedAsync(endPoint, "keep me", Within(), IPAddress.Parse("127.0.0.3"));

        var list = await CtlAsync(0, "connections", "--control", control);
        Assert.Contains(list, l => l.Contains("127.0.0.2:") && l.Contains("serving"));
        Assert.Contains(list, l => l.Contains("127.0.0.3:") && l.Contains("serving"));

        Assert.Contains("kicked: 1", await CtlAsync(0, "kick", "127.0.0.2", "--control", control));
        Assert.True((await kicked.ReadToEndAsync(Within())).CleanClose);
        await kept.SendAsync("still here\n", Within());
        Assert.Equal("still here", await kept.ReadLineAsync(Within()));

        var stats = await CtlAsync(0, "stats", "--control", control);
        Assert.Contains(stats, l => l.StartsWith("main ") && l.Contains("accepting"));
        Assert.Contains(stats, l => l.Contains("main closes: kicked 1"));
    }

    [Fact]
    public async Task Suspend_turns_new_clients_away_resume_takes_them_and_reload_reports_what_changed()
    {
        var (host, control) = StartHost();
        await using var _ = host;
        var endPoint = await host.WaitUntilListeningAsync(Within());
        await host.WaitForLineAsync(l => l.Contains("Control endpoint listening"), Within());

        await using var rpc = new JsonRpcClient(IPEndPoint.Parse(control));
        var suspended = await rpc.InvokeAsync<JsonNode>("suspend", new { server = "main" });
        Assert.Equal("main", (string)suspended!["suspended"]![0]!);
        await using (var turnedAway = await RawLineClient.ConnectAsync(endPoint, Within()))
            Assert.Equal("ERR server busy", await turnedAway.ReadLineAsync(Within()));
        await rpc.InvokeAsync<JsonNode>("resume");
        await using (var served = await RawLineClient.ConnectEchoedAsync(endPoint, "back", Within(), IPAddress.Parse("127.0.0.1")))
        {
        }

        Assert.Contains("nothing changed", await CtlAsync(0, "reload", "--control", control));
        var unknown = await Assert.ThrowsAsync<JsonRpcRemoteException>(() => rpc.InvokeAsync<JsonNode>("drain", new { server = "nosuch" }));
        Assert.Contains("no server named 'nosuch'", unknown.Message);
    }

    [Fact]
    public async Task Top_prints_plain_frames_with_rates_when_its_output_is_not_a_terminal()
    {
        var (host, control) = StartHost();
        await using var _ = host;
        var endPoint = await host.WaitUntilListeningAsync(Within());
        await host.WaitForLineAsync(l => l.Contains("Control endpoint listening"), Within());
        await using var client = await RawLineClient.ConnectEchoedAsync(endPoint, "watched", Within(), IPAddress.Parse("127.0.0.4"));

        var frames = await CtlAsync(0, "top", "--count", "2", "--control", control);
        Assert.Equal(2, frames.Count(l => l.StartsWith("akka-tcp top ")));
        Assert.Contains(frames, l => l.StartsWith("server ") && l.Contains("accepts/s") && l.Contains("req/s"));
        Assert.Contains(frames, l => l.StartsWith("main ") && l.Contains("accepting"));
        Assert.Contains(frames, l => l.Contains("127.0.0.4:") && l.Contains("serving"));
        Assert.DoesNotContain(frames, l => l.Contains('\u001b')); // no terminal escapes when redirected
    }

    [Fact]
    public async Task Ctl_without_an_endpoint_fails_with_one_line_and_exit_code_7_and_a_bad_argument_with_exit_code_2()
    {
        var lines = await CtlAsync(7, "stats", "--control", $"127.0.0.1:{ReusablePort.Next()}");
        Assert.Single(lines, l => l.StartsWith("akka-tcp ctl: "));
        Assert.Contains(await CtlAsync(2, "kick", "not-an-address"), l => l == "akka-tcp: kick takes a connection id or an IP address, not 'not-an-address' (see akka-tcp ctl kick --help)");
    }

    /// <summary>Runs akka-tcp with these arguments (first: ctl's command, or top) to its end; returns what it printed.</summary>
    private async Task<IReadOnlyList<string>> CtlAsync(int expectedExit, params string[] args)
    {
        string[] command = args[0] == "top" ? args : ["ctl", .. args];
        await using var run = HostProcess.Start(command);
        var exit = await run.WaitForExitAsync(Within());
        foreach (var line in run.Output)
            output.WriteLine(line);
        Assert.Equal(expectedExit, exit);
        return run.Output;
    }
}
