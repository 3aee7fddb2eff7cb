using System.Diagnostics;
using System.Globalization;

namespace AkkaTcp.Host.Transfers;

/// <summary>
/// A one-line progress bar on stderr ("[#########-----------]  45%  28.8/64.0 MiB  210 MiB/s"),
/// redrawn at most ten times a second. Drawn only on a terminal; redirected output stays clean.
/// </summary>
internal sealed class ProgressBar(string label, long total) : IProgress<long>
{
    private const int Width = 30;
    private readonly bool _draw = !Console.IsErrorRedirected;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private long _drawnAt;

    public void Report(long done)
    {
        if (!_draw)
            return;
        var now = Stopwatch.GetTimestamp();
        if (done < total && Stopwatch.GetElapsedTime(_drawnAt, now) < TimeSpan.FromMilliseconds(100))
            return;
        _drawnAt = now;
        var fraction = total == 0 ? 1.0 : (double)done / total;
        var filled = (int)(fraction * Width);
        var seconds = Math.Max(Stopwatch.GetElapsedTime(_startedAt, now).TotalSeconds, 0.001);
        Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r{label} [{new string('#', filled)}{new string('-', Width - filled)}] {fraction,4:P0}  {Mib(done):0.0}/{Mib(total):0.0} MiB  {Mib(done) / seconds:0} MiB/s"));
    }

    /// <summary>Ends the bar's line.</summary>
    public void Finish()
    {
        if (_draw)
            Console.Error.WriteLine();
    }

    public static double Mib(long bytes) => bytes / (1024.0 * 1024.0);
}
