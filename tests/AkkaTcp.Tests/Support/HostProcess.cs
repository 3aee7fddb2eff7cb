using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// The console host (akka-tcp.dll, copied next to the tests by the project reference) run as a
/// real child process, with its output read line by line.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = new();

    private HostProcess(Process process) => _process = process;

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_seen)
                return _seen.ToList();
        }
    }

    public static HostProcess Start(params string[] args) => StartThroughShell(null, args);

    /// <summary>Starts the host under a lowered open-file limit (ulimit -n), when one is given.</summary>
    public static HostProcess StartWithOpenFileLimit(int? openFiles, params string[] args) =>
        StartThroughShell(openFiles is null ? null : $"ulimit -n {openFiles}", args);

    /// <summary>Starts the host with SIGHUP ignored, as `nohup` starts it.</summary>
    public static HostProcess StartIgnoringHangup(params string[] args) => StartThroughShell("trap '' HUP", args);

    /// <summary>Starts the host, after <paramref name="shellSetup"/> in a bash that then execs it, when one is given.</summary>
    private static HostProcess StartThroughShell(string? shellSetup, string[] args)
    {
        var info = new ProcessStartInfo(shellSetup is null ? "dotnet" : "bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (shellSetup is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"{shellSetup} && exec dotnet \"$@\"");
            info.ArgumentList.Add("bash");
        }
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "akka-tcp.dll"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for the log line saying where the server `main` listens, and returns that endpoint.</summary>
    public async Task<IPEndPoint> WaitUntilListeningAsync(CancellationToken cancel)
    {
        var line = await WaitForLineAsync(l => ListeningLine().IsMatch(l), cancel);
        return IPEndPoint.Parse(ListeningLine().Match(line).Groups[1].Value);
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken cancel)
    {
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cancel))
            {
                if (match(line))
                    return line;
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException("the host did not print the expected line; it printed:\n" + string.Join("\n", Output));
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancel)
    {
        try
        {
            await _process.WaitForExitAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the host did not exit; it printed:\n" + string.Join("\n", Output));
        }
        return _process.ExitCode;
    }

    /// <summary>The host's resident memory now (VmRSS), in KiB.</summary>
    public long ResidentKilobytes() =>
        long.Parse(File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    /// <summary>Sends SIGHUP: reload the configuration.</summary>
    public void Reload() => Process.Start("kill", ["-HUP", _process.Id.ToString()])!.WaitForExit();

    /// <summary>SIGKILL: the process dies at once, as in a crash or an OOM kill.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Sends SIGTERM, as a service manager would.</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_seen)
            _seen.Add(line);
        _lines.Writer.TryWrite(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Server main listening on (\S+) ")]
    private static partial Regex ListeningLine();
}
