using Akka.Actor;
using Akka.TestKit;
using AkkaTcp.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Runtime;

/// <summary>
/// Deferred reads: every deferral is resumed exactly once, in a later socket-engine batch, whether it
/// came alone, in a crowd from several threads, or from a reader that defers again at every resume.
/// </summary>
public sealed class DeferredReadsTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public void A_lone_deferral_is_resumed()
    {
        var probe = CreateTestProbe();
        DeferredReads.Defer(new TellingReader(probe.Ref));
        probe.ExpectMsg("resumed");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Deferrals_from_several_threads_are_each_resumed_once()
    {
        const int Threads = 4, PerThread = 2_000;
        var readers = Enumerable.Range(0, Threads * PerThread).Select(_ => new CountingReader(deferrals: 1)).ToArray();
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
                DeferredReads.Defer(readers[t * PerThread + i]);
        })));
        await AwaitConditionAsync(() => Task.FromResult(readers.All(r => r.Resumes >= 1)));
        await Task.Delay(100); // nothing more may come
        Assert.All(readers, r => Assert.Equal(1, r.Resumes));
    }

    [Fact]
    public async Task A_reader_that_defers_again_at_every_resume_keeps_being_resumed()
    {
        // As a connection does after every short chunk: a chain of 500 batches.
        var reader = new CountingReader(deferrals: 500);
        DeferredReads.Defer(reader);
        await AwaitConditionAsync(() => Task.FromResult(reader.Resumes == 500), Dilated(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void In_a_large_batch_each_reader_is_prefetched_two_turns_then_one_turn_before_it_resumes()
    {
        var log = new List<string>();
        var batch = Enumerable.Range(0, DeferredReads.PrefetchBatch + 8).Select(i => (IDeferredRead)new RecordingReader(i, log)).ToList();
        DeferredReads.Resume(batch);
        var expected = new List<string>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (i + 2 < batch.Count)
                expected.Add($"self {i + 2}");
            if (i + 1 < batch.Count)
                expected.Add($"hot {i + 1}");
            expected.Add($"resume {i}");
        }
        Assert.Equal(expected, log);
    }

    [Fact]
    public void A_small_batch_is_resumed_without_prefetching()
    {
        var log = new List<string>();
        var batch = Enumerable.Range(0, DeferredReads.PrefetchBatch - 1).Select(i => (IDeferredRead)new RecordingReader(i, log)).ToList();
        DeferredReads.Resume(batch);
        Assert.Equal(batch.Select((_, i) => $"resume {i}"), log);
    }

    private sealed class RecordingReader(int index, List<string> log) : IDeferredRead
    {
        public void ResumeDeferredRead() => log.Add($"resume {index}");

        public void PrefetchSelf() => log.Add($"self {index}");

        public void PrefetchHot() => log.Add($"hot {index}");
    }

    private sealed class TellingReader(IActorRef probe) : IDeferredRead
    {
        public void ResumeDeferredRead() => probe.Tell("resumed");

        public void PrefetchSelf() { }

        public void PrefetchHot() { }
    }

    /// <summary>Counts its resumes, and defers again at each until it has been deferred <paramref name="deferrals"/> times.</summary>
    private sealed class CountingReader(int deferrals) : IDeferredRead
    {
        private int _resumes;

        public int Resumes => Volatile.Read(ref _resumes);

        public void PrefetchSelf() { }

        public void PrefetchHot() { }

        public void ResumeDeferredRead()
        {
            if (Interlocked.Increment(ref _resumes) < deferrals)
                DeferredReads.Defer(this);
        }
    }
}
