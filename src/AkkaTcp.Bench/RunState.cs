using System.Diagnostics;
using HdrHistogram;

namespace AkkaTcp.Bench;

/// <summary>
/// What every load shares: the latency recorder (thread-safe, read each second by the progress
/// line), reply and error counters, whether measuring has begun, and the --requests budget.
/// </summary>
internal sealed class RunState(long requestCap)
{
    private long _measured;
    private long _total;
    private long _errors;
    private long _failedConnections;
    private long _budgetTaken;
    private volatile bool _measuring;

    public Recorder Latency { get; } = HistogramFactory.With64BitBucketSize().WithValuesFrom(1)
        .WithValuesUpTo(TimeStamp.Seconds(60)).WithPrecisionOf(3).WithThreadSafeWrites().WithThreadSafeReads().Create();

    public bool Measuring => _measuring;

    public long Measured => Interlocked.Read(ref _measured);

    /// <summary>Replies including the warm-up (the server's CPU time is divided by this).</summary>
    public long Total => Interlocked.Read(ref _total);

    public long Errors => Interlocked.Read(ref _errors);

    public long FailedConnections => Interlocked.Read(ref _failedConnections);

    public void StartMeasuring() => _measuring = true;

    /// <summary>May one more request be sent? Always during warm-up; within --requests after.</summary>
    public bool TryTakeRequest() => requestCap == 0 || !_measuring || Interlocked.Increment(ref _budgetTaken) <= requestCap;

    public bool BudgetSpent => requestCap > 0 && Interlocked.Read(ref _budgetTaken) >= requestCap;

    public void OnReply(long sentAt) => OnReplies(sentAt, 1, Stopwatch.GetTimestamp());

    /// <summary>
    /// <paramref name="count"/> replies to requests sent together at <paramref name="sentAt"/>, all
    /// read at <paramref name="readAt"/>: one histogram entry for them, so that the generator's
    /// bookkeeping stays small beside the server's work when replies come sixteen to a read.
    /// </summary>
    public void OnReplies(long sentAt, int count, long readAt)
    {
        Interlocked.Add(ref _total, count);
        if (!_measuring)
            return;
        Interlocked.Add(ref _measured, count);
        Latency.RecordValueWithCount(Math.Max(1, readAt - sentAt), count);
    }

    public void OnError() => Interlocked.Increment(ref _errors);

    public void OnConnectionFailed() => Interlocked.Increment(ref _failedConnections);
}
