using Akka.Actor;
using Akka.TestKit;
using AkkaTcp.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Runtime;

/// <summary>
/// Deferred reads: every deferral is answered by exactly one Resume, in a later socket-engine batch,
/// whether it came alone, in a crowd from several threads, or from a connection that defers again at every resume.
/// </summary>
public sealed class DeferredReadsTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public void A_lone_deferral_is_resumed()
    {
        var connection = CreateTestProbe();
        DeferredReads.Defer(connection.Ref);
        connection.ExpectMsg<DeferredReads.Resume>();
        connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Deferrals_from_several_threads_are_each_resumed_once()
    {
        var counter = Sys.ActorOf(Props.Create(() => new ResumeCounter()));
        const int Threads = 4, PerThread = 2_000;
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
                DeferredReads.Defer(counter);
        })));
        await AwaitAssertAsync(async () => Assert.Equal(Threads * PerThread, await counter.Ask<int>("count")));
        await Task.Delay(100); // nothing more may come
        Assert.Equal(Threads * PerThread, await counter.Ask<int>("count"));
    }

    [Fact]
    public async Task A_connection_that_defers_again_at_every_resume_keeps_being_resumed()
    {
        // Each Resume defers again, as a connection does after every chunk: a chain of 500 batches.
        var chain = Sys.ActorOf(Props.Create(() => new DeferAgain(500)));
        DeferredReads.Defer(chain);
        await AwaitAssertAsync(async () => Assert.Equal(500, await chain.Ask<int>("count")), Dilated(TimeSpan.FromSeconds(10)));
    }

    private sealed class ResumeCounter : ReceiveActor
    {
        public ResumeCounter()
        {
            var count = 0;
            Receive<DeferredReads.Resume>(_ => count++);
            Receive<string>(_ => Sender.Tell(count));
        }
    }

    private sealed class DeferAgain : ReceiveActor
    {
        public DeferAgain(int times)
        {
            var count = 0;
            Receive<DeferredReads.Resume>(_ =>
            {
                if (++count < times)
                    DeferredReads.Defer(Self);
            });
            Receive<string>(_ => Sender.Tell(count));
        }
    }
}
