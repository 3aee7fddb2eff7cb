using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AkkaTcp.Tests.Support;
using Xunit;

namespace AkkaTcp.Tests.Host;

/// <summary>The console host as an operator runs it: a real process, real arguments, real signals.</summary>
public sealed class ConsoleHostTests
{
    private static CancellationToken Within(double seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task The_host_serves_echo_on_the_requested_port_and_stops_cleanly_on_SIGTERM()
    {
        await using var host = HostProcess.Start("--port", "0");
        var endPoint = await host.WaitUntilListeningAsync(Within());
        Assert.Equal(IPAddress.Loopback, endPoint.Address);

        await using (var client = await RawLineClient.ConnectAsync(endPoint, Within()))
        {
            await client.SendAsync("hello host\n", Within());
            Assert.Equal("hello host", await client.ReadLineAsync(Within()));
        }

        host.Terminate();
        Assert.Equal(0, await host.WaitForExitAsync(Within()));
        Assert.Contains(host.Output, line => line.Contains("protocol=echo"));
    }

    [ToolFact(ExternalTools.Nc)]
    public async Task The_readme_session_with_nc_gets_its_lines_back()
    {
        await using var host = HostProcess.Start("--port", "0");
        var endPoint = await host.WaitUntilListeningAsync(Within());
        // What the README tells a user to type: nc 127.0.0.1 7000 (here on the test's port).
        var info = new ProcessStartInfo("nc", ["-q", "1", "127.0.0.1", endPoint.Port.ToString()])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var nc = Process.Start(info) ?? throw new InvalidOperationException("cannot start nc (apt-get install netcat-openbsd)");
        await nc.StandardInput.WriteAsync("hello\r\nworld\n");
        nc.StandardInput.Close();
        var echoed = await nc.StandardOutput.ReadToEndAsync(Within());
        await nc.WaitForExitAsync(Within());
        Assert.Equal("hello\nworld\n", echoed);
    }

    [Fact]
    public async Task Command_line_options_and_set_overrides_reach_the_server()
    {
        await using var host = HostProcess.Start("--port=0", "--protocol", "random", "--set", "akka-tcp.servers.main.random.max=0");
        var endPoint = await host.WaitUntilListeningAsync(Within());
        await using var client = await RawLineClient.ConnectAsync(endPoint, Within());
        await client.SendAsync("\n", Within());
        Assert.Equal("0", await client.ReadLineAsync(Within()));
    }

    [ToolFact(ExternalTools.RedisCli)]
    public async Task The_host_serves_resp_and_json_rpc_when_asked()
    {
        await using (var resp = HostProcess.Start("--port", "0", "--protocol", "resp"))
        {
            var endPoint = await resp.WaitUntilListeningAsync(Within());
            var info = new ProcessStartInfo("redis-cli", ["-p", endPoint.Port.ToString(), "PING"]) { RedirectStandardOutput = true };
            using var cli = Process.Start(info) ?? throw new InvalidOperationException("cannot start redis-cli (apt-get install redis-tools)");
            Assert.Equal("PONG\n", await cli.StandardOutput.ReadToEndAsync(Within()));
        }
        await using var jsonRpc = HostProcess.Start("--port", "0", "--protocol", "json-rpc");
        var rpcEndPoint = await jsonRpc.WaitUntilListeningAsync(Within());
        await using var client = await RawLineClient.ConnectAsync(rpcEndPoint, Within());
        await client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"add","params":[2,3]}""" + "\n", Within());
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":5}""", await client.ReadLineAsync(Within()));
    }

    [Theory]
    [InlineData(new[] { "--port", "70000" }, "akka-tcp: akka-tcp.servers.main.port = 70000: must be between 0 and 65535 (got 70000)")]
    [InlineData(new[] { "--protocol", "nope" }, "akka-tcp: akka-tcp.servers.main.protocol = nope: unknown protocol (known: echo, file, json-rpc, random, resp)")]
    [InlineData(new[] { "--port", "abc" }, "akka-tcp: akka-tcp.servers.main.port = abc: must be an integer")]
    [InlineData(new[] { "--set", "akka-tcp.servers.main.max-frame-size=-1" }, "akka-tcp: akka-tcp.servers.main.max-frame-size = -1: must be between 1 and 1073741824 (got -1 bytes)")]
    [InlineData(new[] { "--config", "/nonexistent.hocon" }, "akka-tcp: cannot read config file /nonexistent.hocon: Could not find file '/nonexistent.hocon'.")]
    [InlineData(new[] { "--frobnicate" }, "akka-tcp: Unrecognized command or argument '--frobnicate'. (see akka-tcp --help)")]
    [InlineData(new[] { "--port" }, "akka-tcp: Required argument missing for option: '--port'. (see akka-tcp --help)")]
    [InlineData(new[] { "--set", "akka-tcp.host.open-files-reserve=-1" }, "akka-tcp: akka-tcp.host.open-files-reserve = -1: must be between 0 and 1000000 (got -1)")]
    [InlineData(new[] { "--set", "akka-tcp.servers.main.max-conections=5" }, "akka-tcp: akka-tcp.servers.main.max-conections = 5: unknown key (did you mean max-connections?)")]
    public async Task Bad_configuration_exits_2_with_one_line_naming_the_problem(string[] args, string expected)
    {
        await using var host = HostProcess.Start(args);
        Assert.Equal(2, await host.WaitForExitAsync(Within()));
        Assert.Equal([expected], host.Output);
    }

    [Fact]
    public async Task Resp_snapshots_on_a_single_node_stop_the_host_naming_the_key()
    {
        await using var host = HostProcess.Start("--protocol", "resp", "--port", "0", "--set", "akka-tcp.servers.main.resp.snapshot-interval=1s");
        Assert.Equal(3, await host.WaitForExitAsync(Within()));
        Assert.Contains(host.Output, line => line.Contains("FTL] server 'main' cannot start: akka-tcp.servers.main.resp.snapshot-interval = 1000ms: needs cluster mode"));
    }

    [Fact]
    public async Task A_taken_port_exits_3_with_one_line_saying_so()
    {
        using var taken = new TakenPort();
        var port = taken.Port;

        await using var host = HostProcess.Start("--port", port.ToString());
        var exitCode = await host.WaitForExitAsync(Within());
        var printed = string.Join("\n", host.Output);
        Assert.True(exitCode == 3, $"exit code {exitCode}; the host printed:\n{printed}");
        Assert.Contains($"server 'main' cannot listen on 127.0.0.1:{port}: Address already in use", printed);
        Assert.False(host.Output.Any(line => line.TrimStart().StartsWith("at ")), $"a stack trace was printed:\n{printed}");
    }

    [Fact]
    public async Task Help_lists_the_options_and_exits_0()
    {
        await using var host = HostProcess.Start("--help");
        Assert.Equal(0, await host.WaitForExitAsync(Within()));
        var text = string.Join("\n", host.Output);
        foreach (var option in new[] { "--config", "--port", "--host", "--protocol", "--set", "--help" })
            Assert.Contains(option, text);
    }

    [Fact]
    public void The_host_runs_with_pool_workers_that_block_instead_of_spinning()
    {
        // What an idle host burns: spinning pool workers kept it at 4.6 % of a core (src/AkkaTcp/README.md).
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka-tcp.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
