using System.Diagnostics;
using AkkaTcp.Keyspace;
using Xunit;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>INFO commandstats' counters: every call counted, one call in 16 timed and the time scaled to all.</summary>
public sealed class CommandStatsTests
{
    private const int Get = 1;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_call_is_counted_and_the_first_and_every_16th_are_timed_for_all(bool shared)
    {
        var stats = new CommandStats(shared);
        var timedAt = new List<int>();
        var timedTicks = 0L;
        for (var i = 0; i < 40; i++)
        {
            var outer = Stopwatch.GetTimestamp();
            var timer = stats.StartTimer(Get);
            if (timer != 0)
            {
                timedAt.Add(i);
                Thread.Sleep(5); // the command's run time under test
            }
            stats.Record(Get, timer, failed: i % 10 == 0);
            if (timer != 0)
                timedTicks += Stopwatch.GetTimestamp() - outer;
        }

        Assert.Equal([0, 16, 32], timedAt);
        var (calls, microseconds, failed, rejected) = stats.Read(Get);
        Assert.Equal(40, calls);
        Assert.Equal(4, failed);
        Assert.Equal(0, rejected);
        // The three timed calls' mean, times 40 calls: at least 5 ms each, at most what was measured
        // around them (in double: whole microseconds could cut the bound below the estimate).
        Assert.InRange(microseconds, 40 * 5_000, (double)timedTicks * 1_000_000 / Stopwatch.Frequency * 40 / 3);
    }

    [Fact]
    public void A_command_never_run_reads_zero_and_reset_clears_the_timing_too()
    {
        var stats = new CommandStats(shared: false);
        Assert.Equal((0, 0, 0, 0), stats.Read(Get));
        var timer = stats.StartTimer(Get);
        Assert.NotEqual(0, timer);
        Thread.Sleep(2);
        stats.Record(Get, timer, failed: false);
        stats.Reject(Get);
        Assert.True(stats.Read(Get).Microseconds >= 2_000);

        stats.Reset();
        Assert.Equal((0, 0, 0, 0), stats.Read(Get));
        Assert.NotEqual(0, stats.StartTimer(Get)); // the first call after a reset is timed again
    }

    [Fact]
    public void Shared_counts_stay_exact_when_connections_on_several_threads_record_at_once()
    {
        var stats = new CommandStats(shared: true);
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 50_000; i++)
                stats.Record(Get, stats.StartTimer(Get), failed: false);
        });
        var (calls, microseconds, _, _) = stats.Read(Get);
        Assert.Equal(200_000, calls);
        Assert.True(microseconds > 0, $"{microseconds} µs estimated from the timed calls");
    }
}
