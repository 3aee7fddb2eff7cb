using HdrHistogram;

namespace AkkaTcp.Bench;

/// <summary>One unit of load (a connection, or a caller): counts replies and errors, records latencies once measuring.</summary>
internal interface ILoad
{
    long Replies { get; }

    long Errors { get; }

    LongHistogram Latency { get; }

    Task RunAsync(Func<bool> measuring, CancellationToken stop);
}
