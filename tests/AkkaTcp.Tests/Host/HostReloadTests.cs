using System.Net;
using System.Text.RegularExpressions;
using AkkaTcp.Tests.Support;
using Xunit;

namespace AkkaTcp.Tests.Host;

/// <summary>SIGHUP reloads the host's configuration file and applies it to the running servers.</summary>
public sealed partial class HostReloadTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"akka-tcp-reload-{Guid.NewGuid():N}.hocon");

    private static CancellationToken Within(double seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public void Dispose() => File.Delete(_file);

    private void Write(string hocon) => File.WriteAllText(_file, hocon);

    [Fact]
    public async Task Raising_max_connections_on_SIGHUP_admits_the_waiting_client_and_drops_nobody()
    {
        Write("akka-tcp.servers.main { port = 0, max-connections = 1, over-limit = queue, queue-timeout = 60s }");
        await using var host = HostProcess.Start("--config", _file);
        var endPoint = await host.WaitUntilListeningAsync(Within());
        await using var served = await RawLineClient.ConnectEchoedAsync(endPoint, "served", Within());
        await using var waiting = await RawLineClient.ConnectAsync(endPoint, Within());
        await waiting.SendAsync("waiting\n", Within());

        Write("akka-tcp.servers.main { port = 0, max-connections = 2, over-limit = queue, queue-timeout = 60s }");
        host.Reload();

        Assert.Equal("waiting", await waiting.ReadLineAsync(Within()));
        await host.WaitForLineAsync(l => l.Contains("Reload: server main updated live (max-connections=2"), Within());
        await served.SendAsync("still here\n", Within());
        Assert.Equal("still here", await served.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task An_invalid_file_changes_nothing_and_is_one_error_line_naming_the_key()
    {
        Write("akka-tcp.servers.main { port = 0, max-connections = 1, over-limit = reject }");
        await using var host = HostProcess.Start("--config", _file);
        var endPoint = await host.WaitUntilListeningAsync(Within());
        await using var served = await RawLineClient.ConnectEchoedAsync(endPoint, "served", Within());

        Write("akka-tcp.servers.main { port = 0, max-connections = -5, over-limit = reject }");
        host.Reload();
        var error = await host.WaitForLineAsync(l => l.Contains("Reload refused"), Within());
        Assert.Contains("akka-tcp.servers.main.max-connections = -5", error);

        // Still the old limit: a second client is refused, the first is served.
        await using (var second = await RawLineClient.ConnectAsync(endPoint, Within()))
            Assert.Equal("ERR server busy", await second.ReadLineAsync(Within()));
        await served.SendAsync("still here\n", Within());
        Assert.Equal("still here", await served.ReadLineAsync(Within()));
        Assert.DoesNotContain(host.Output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SIGHUP_reloads_a_host_started_with_hang_ups_ignored_as_nohup_starts_it()
    {
        Write("akka-tcp.servers.main { port = 0, max-connections = 1, over-limit = reject }");
        await using var host = HostProcess.StartIgnoringHangup("--config", _file);
        var endPoint = await host.WaitUntilListeningAsync(Within());

        Write("akka-tcp.servers.main { port = 0, max-connections = 2, over-limit = reject }");
        host.Reload();

        await host.WaitForLineAsync(l => l.Contains("Reload: server main updated live (max-connections=2"), Within());
        await using var first = await RawLineClient.ConnectEchoedAsync(endPoint, "first", Within());
        await using var second = await RawLineClient.ConnectEchoedAsync(endPoint, "second", Within());
    }

    [Fact]
    public async Task A_server_added_to_the_file_starts_a_removed_one_stops_and_a_changed_protocol_restarts_its_server()
    {
        Write("""
            akka-tcp.servers.main { port = 0 }
            akka-tcp.servers.extra { port = 0, protocol = random }
            """);
        await using var host = HostProcess.Start("--config", _file);
        var main = await host.WaitUntilListeningAsync(Within());
        var extra = EndPointOf(await host.WaitForLineAsync(l => l.Contains("Server extra listening on"), Within()), "Server extra listening on");

        Write("""
            akka-tcp.servers.main { port = 0, protocol = random, random.max = 0 }
            akka-tcp.servers.third { port = 0 }
            """);
        host.Reload();

        await host.WaitForLineAsync(l => l.Contains("Reload: server extra removed"), Within());
        var restarted = EndPointOf(await host.WaitForLineAsync(l => l.Contains("Reload: server main restarted"), Within()), "listening on");
        var third = EndPointOf(await host.WaitForLineAsync(l => l.Contains("Reload: server third added"), Within()), "listening on");

        await using (var client = await RawLineClient.ConnectAsync(restarted, Within()))
        {
            await client.SendAsync("\n", Within());
            Assert.Equal("0", await client.ReadLineAsync(Within())); // now random with max 0
        }
        await using (var client = await RawLineClient.ConnectEchoedAsync(third, "third", Within()))
        {
        }
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => RawLineClient.ConnectAsync(extra, Within()));
        Assert.NotNull(main);
    }

    private static IPEndPoint EndPointOf(string line, string after) =>
        IPEndPoint.Parse(EndPointAfter().Match(line[(line.IndexOf(after, StringComparison.Ordinal) + after.Length)..]).Value);

    [GeneratedRegex(@"\d+\.\d+\.\d+\.\d+:\d+")]
    private static partial Regex EndPointAfter();
}
