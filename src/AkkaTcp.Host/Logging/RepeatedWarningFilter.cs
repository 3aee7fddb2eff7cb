using System.Diagnostics;
using Serilog.Events;

namespace AkkaTcp.Host.Logging;

/// <summary>Lets one event starting with a given text through per interval; the rest are repeats.</summary>
internal sealed class RepeatedWarningFilter(string prefix, TimeSpan interval)
{
    private long _nextAllowed;

    public bool IsRepeat(LogEvent logEvent)
    {
        if (!logEvent.MessageTemplate.Text.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        var now = Stopwatch.GetTimestamp();
        var next = Interlocked.Read(ref _nextAllowed);
        if (now < next)
            return true;
        // Whichever thread moves the deadline first logs; concurrent ones are repeats.
        return Interlocked.CompareExchange(ref _nextAllowed, now + (long)(interval.TotalSeconds * Stopwatch.Frequency), next) != next;
    }
}
