using System.Diagnostics;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// Starts `true` processes one after another until stopped (two minutes at most, so a failed test
/// never leaves it running): each fork holds a copy of every socket of this process until its exec.
/// </summary>
public sealed class ProcessStorm : IDisposable
{
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(2));
    private readonly Task<int> _started;

    public ProcessStorm()
    {
        _started = Task.Run(() =>
        {
            var started = 0;
            while (!_stop.IsCancellationRequested)
            {
                using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
                process.WaitForExit();
                started++;
            }
            return started;
        });
    }

    /// <summary>Stops the storm; returns how many processes it started.</summary>
    public async Task<int> StopAsync()
    {
        _stop.Cancel();
        return await _started;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
