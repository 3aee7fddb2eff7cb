using System.Security.Cryptography;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Host;

/// <summary>The host as a file server and its send / fetch verbs, as child processes.</summary>
public sealed class FileTransferHostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("akka-tcp-files-").FullName;
    private readonly string _local = Directory.CreateTempSubdirectory("akka-tcp-local-").FullName;

    private static CancellationToken Within(double seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task A_one_GiB_file_goes_up_and_down_with_send_and_fetch_while_server_memory_stays_flat()
    {
        // As hocon/file.hocon does: 64 KiB per receive and send for bulk transfer.
        await using var server = HostProcess.Start("--protocol", "file", "--port", "0", "--set", $"akka-tcp.servers.main.file.root={_root}",
            "--set", "akka-tcp.servers.main.socket-chunk-size=64k");
        var endpoint = (await server.WaitUntilListeningAsync(Within(60))).ToString();
        var source = Path.Join(_local, "big.bin");
        await using (var file = File.Create(source))
        {
            // Sparse: 1 GiB of zeros on disk for free, with random blocks so that order matters.
            file.SetLength(1L << 30);
            for (long at = 0; at < file.Length; at += 64 << 20)
            {
                file.Position = at;
                file.Write(RandomNumberGenerator.GetBytes(4096));
            }
        }
        // Warm up with 64 MiB each way: the GC's budget and the buffer pools reach their working
        // size. "Flat" then means 16 times the data costs no more memory.
        var warmUp = Path.Join(_local, "warm.bin");
        await File.WriteAllBytesAsync(warmUp, RandomNumberGenerator.GetBytes(64 << 20));
        var peak = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), server.ResidentKilobytes()));
                await Task.Delay(50); // sampling interval, not synchronisation
            }
        });
        await RunAsync(["send", warmUp, "--name", "warm.bin", "--target", endpoint], "sent warm.bin: 67108864 bytes");
        await RunAsync(["fetch", "warm.bin", Path.Join(_local, "warm.copy"), "--target", endpoint], "fetched warm.bin");
        var afterWarmUp = Interlocked.Read(ref peak);

        await RunAsync(["send", source, "--name", "big.bin", "--target", endpoint], "sent big.bin: 1073741824 bytes");
        await RunAsync(["fetch", "big.bin", Path.Join(_local, "copy.bin"), "--target", endpoint], "fetched big.bin");
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"server RSS peak: {afterWarmUp / 1024} MiB over 64 MiB up and down, {peak / 1024} MiB over 1 GiB up and down");
        Assert.True(peak - afterWarmUp < 128 * 1024, $"server RSS grew by {(peak - afterWarmUp) / 1024} MiB more for 1 GiB than for 64 MiB");
        Assert.Equal(await HashAsync(source), await HashAsync(Path.Join(_local, "copy.bin")));
        Assert.Equal(1L << 30, new FileInfo(Path.Join(_root, "big.bin")).Length);
    }

    [ToolFact(ExternalTools.Script)]
    public async Task Send_draws_a_progress_bar_on_a_terminal_and_prints_only_its_summary_when_redirected()
    {
        await using var server = HostProcess.Start("--protocol", "file", "--port", "0", "--set", $"akka-tcp.servers.main.file.root={_root}");
        var endpoint = (await server.WaitUntilListeningAsync(Within(60))).ToString();
        var source = Path.Join(_local, "tty.bin");
        await File.WriteAllBytesAsync(source, RandomNumberGenerator.GetBytes(8 << 20));
        var host = Path.Combine(AppContext.BaseDirectory, "akka-tcp.dll");

        // script runs the command on a pseudo-terminal: stderr is a terminal there, as in a shell.
        var info = new System.Diagnostics.ProcessStartInfo("script", ["-qec", $"dotnet {host} send {source} --target {endpoint}", "/dev/null"])
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        using var onTerminal = System.Diagnostics.Process.Start(info)!;
        var screen = await onTerminal.StandardOutput.ReadToEndAsync(Within(120));
        await onTerminal.WaitForExitAsync(Within(120));
        output.WriteLine(screen);
        Assert.Equal(0, onTerminal.ExitCode);
        Assert.Contains("send tty.bin", screen);
        Assert.Contains("\u2501", screen); // the bar's heavy horizontal line
        Assert.Contains("sent tty.bin: 8388608 bytes", screen);

        var redirected = HostProcess.Start("send", source, "--name", "again.bin", "--target", endpoint);
        Assert.Equal(0, await redirected.WaitForExitAsync(Within(120)));
        Assert.Equal(["sent again.bin"], redirected.Output.Where(l => l.Length > 0).Select(l => string.Join(':', l.Split(':').Take(1))));
        await redirected.DisposeAsync();
    }

    [Fact]
    public async Task Fetching_a_missing_file_sending_a_missing_local_file_and_a_bad_command_line_fail_with_a_reason()
    {
        await using var server = HostProcess.Start("--protocol", "file", "--port", "0", "--set", $"akka-tcp.servers.main.file.root={_root}");
        var endpoint = (await server.WaitUntilListeningAsync(Within(60))).ToString();

        await RunAsync(["fetch", "nothing.bin", "--target", endpoint], "akka-tcp: fetch failed: not found", expectedExit: 6);
        Assert.False(File.Exists("nothing.bin"));
        Assert.False(File.Exists("nothing.bin.part"));
        await RunAsync(["send", "/no/such/file", "--target", endpoint], "akka-tcp: send failed: /no/such/file: no such file", expectedExit: 6);
        await RunAsync(["send"], "akka-tcp: Required argument 'FILE' missing for command: 'send'. (see akka-tcp send --help)", expectedExit: 2);
    }

    [Fact]
    public async Task Send_and_fetch_with_tls_verify_the_server_and_fail_clearly_without_its_ca()
    {
        using var certificates = new TestCertificates();
        var (certificate, key, _) = certificates.Server("server");
        await using var server = HostProcess.Start("--protocol", "file", "--port", "0", "--set", $"akka-tcp.servers.main.file.root={_root}",
            "--set", "akka-tcp.servers.main.tls.enabled=on", "--set", $"akka-tcp.servers.main.tls.certificate={certificate}", "--set", $"akka-tcp.servers.main.tls.key={key}");
        var endpoint = (await server.WaitUntilListeningAsync(Within(60))).ToString();
        var source = Path.Join(_local, "secret.bin");
        await File.WriteAllBytesAsync(source, RandomNumberGenerator.GetBytes(3 << 20));
        string[] tls = ["--target", endpoint, "--tls", "--ca", certificates.CaPem, "--server-name", "localhost"];
        await RunAsync(["send", source, .. tls], "sent secret.bin: 3145728 bytes");
        await RunAsync(["fetch", "secret.bin", Path.Join(_local, "secret.copy"), .. tls], "fetched secret.bin");
        Assert.Equal(await HashAsync(source), await HashAsync(Path.Join(_local, "secret.copy")));
        await RunAsync(["fetch", "secret.bin", Path.Join(_local, "unverified.copy"), "--target", endpoint, "--tls"],
            $"akka-tcp: fetch failed: Could not connect to {endpoint}: TLS handshake failed: the server's certificate is not trusted", expectedExit: 6);
    }

    private async Task RunAsync(string[] args, string expectedLine, int expectedExit = 0)
    {
        var verb = HostProcess.Start(args);
        var exit = await verb.WaitForExitAsync(Within(240));
        foreach (var line in verb.Output)
            output.WriteLine(line);
        Assert.Equal(expectedExit, exit);
        Assert.Contains(verb.Output, line => line.StartsWith(expectedLine, StringComparison.Ordinal));
        await verb.DisposeAsync();
    }

    private static async Task<string> HashAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_local, recursive: true);
        return Task.CompletedTask;
    }
}
