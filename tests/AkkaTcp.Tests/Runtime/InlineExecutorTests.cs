using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Runtime;

/// <summary>
/// The inline executor's rules, on a dispatcher that also runs inline from thread-pool threads
/// (in this test process sockets complete on the thread pool; the console host's socket engine
/// threads are covered by every host test): a Tell runs the actor on the caller's thread before it
/// returns; what a running actor schedules runs after it on the same thread, never inside it; a
/// turn hands what is beyond its budget to the thread pool; timer and foreign threads never run
/// actor code; failures, Ask and long chains behave as on any dispatcher.
/// </summary>
public sealed class InlineExecutorTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, output: output)
{
    private const int MaxRuns = 8;

    private static readonly Config Config = ConfigurationFactory.ParseString($$"""
        inline-test {
          type = Dispatcher
          executor = "AkkaTcp.Runtime.InlineExecutorConfigurator, AkkaTcp"
          throughput = 100
          inline-executor { max-runs = {{MaxRuns}}, from-thread-pool = on }
        }
        akka.test.timefactor = 2
        """);

    /// <summary>What was handled, in order, on which thread.</summary>
    private readonly ConcurrentQueue<Entry> _log = new();

    private sealed record Entry(string What, int Thread, bool PoolThread)
    {
        public static Entry Here(string what) => new(what, Environment.CurrentManagedThreadId, System.Threading.Thread.CurrentThread.IsThreadPoolThread);
    }

    private (string, int)[] Seen() => [.. _log.Select(entry => (entry.What, entry.Thread))];

    private IActorRef Recorder(string name, Action<object, IActorRef>? after = null) =>
        Sys.ActorOf(Props.Create(() => new RecordingActor(name, _log, after)).WithDispatcher("inline-test"));

    /// <summary>
    /// A new actor starts asynchronously, elsewhere. Once a Tell from a pool thread finds its
    /// mailbox idle the actor runs inline and is idle again when the Tell returns, so from then on
    /// every such Tell runs it inline: told until that happens, then the log is cleared.
    /// </summary>
    private async Task WarmUpAsync(IActorRef actor)
    {
        for (var attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 1000, "no Tell from a pool thread ran the actor inline in 1000 tries");
            var before = _log.Count;
            if (await Task.Run(() => { actor.Tell("warm"); return _log.Count > before; }))
                break;
            await AwaitConditionAsync(() => Task.FromResult(_log.Count > before), Dilated(TimeSpan.FromSeconds(10)));
        }
        _log.Clear();
    }

    [Fact]
    public async Task A_tell_from_a_pool_thread_runs_the_actor_there_before_it_returns()
    {
        var actor = Recorder("a");
        await WarmUpAsync(actor);
        for (var i = 0; i < 100; i++)
        {
            var (caller, seenBeforeReturn) = await Task.Run(() =>
            {
                actor.Tell(i);
                return (Environment.CurrentManagedThreadId, Seen());
            });
            Assert.Equal([($"a:{i}", caller)], seenBeforeReturn);
            _log.Clear();
        }
    }

    [Fact]
    public async Task What_a_running_actor_schedules_runs_after_it_on_the_same_thread()
    {
        var second = Recorder("b");
        var first = Recorder("a", (message, _) =>
        {
            second.Tell(message);
            _log.Enqueue(Entry.Here("a:told b"));
        });
        await WarmUpAsync(first); // warms b too: it runs in a's turns
        var (caller, seen) = await Task.Run(() =>
        {
            first.Tell("x");
            return (Environment.CurrentManagedThreadId, Seen());
        });
        // b ran after a's message was handled (not nested inside a's Tell), still before the caller's Tell returned.
        Assert.Equal([("a:x", caller), ("a:told b", caller), ("b:x", caller)], seen);
    }

    [Fact]
    public async Task Timer_and_foreign_threads_do_not_run_actor_code()
    {
        var actor = Recorder("a");
        var foreign = new Thread(() => actor.Tell("from a thread of its own")) { IsBackground = true };
        foreign.Start();
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(10), actor, "from the scheduler", ActorRefs.NoSender);
        await AwaitConditionAsync(() => Task.FromResult(_log.Count == 2), Dilated(TimeSpan.FromSeconds(10)));
        foreign.Join();
        Assert.All(_log, entry =>
        {
            Assert.NotEqual(foreign.ManagedThreadId, entry.Thread);
            Assert.True(entry.PoolThread, $"{entry.What} ran on a thread that is not the pool's");
        });
    }

    [Fact]
    public async Task An_endless_ping_pong_returns_control_to_the_caller_and_goes_on_in_the_pool()
    {
        var balls = 0;
        var stop = false;
        IActorRef? pong = null;
        void Return(object message, IActorRef other)
        {
            if (message is "ball" && !Volatile.Read(ref stop))
            {
                Interlocked.Increment(ref balls);
                other.Tell(message);
            }
        }
        var ping = Recorder("ping", (message, _) => Return(message, pong!));
        pong = Recorder("pong", (message, _) => Return(message, ping));
        await WarmUpAsync(ping);
        await WarmUpAsync(pong);

        // Without the turn's budget this Tell would never return: each answer schedules the other actor.
        var returnedAfter = await Task.Run(() =>
        {
            ping.Tell("ball");
            return Volatile.Read(ref balls);
        }).WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
        Assert.InRange(returnedAfter, 1, MaxRuns);
        await AwaitConditionAsync(() => Task.FromResult(Volatile.Read(ref balls) > 100 * MaxRuns), Dilated(TimeSpan.FromSeconds(10)));
        Volatile.Write(ref stop, true);
    }

    [Fact]
    public async Task A_chain_of_ten_thousand_actors_does_not_grow_the_stack()
    {
        const int length = 10_000;
        var end = CreateTestProbe();
        var next = end.Ref;
        for (var i = 0; i < length; i++)
        {
            var to = next;
            next = Sys.ActorOf(Props.Create(() => new Forwarder(to)).WithDispatcher("inline-test"));
        }
        var head = next;
        await Task.Run(() => head.Tell(0));
        Assert.Equal(length, await end.ExpectMsgAsync<int>(Dilated(TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public async Task A_failing_actor_is_restarted_and_the_caller_never_sees_its_exception()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Failing()).WithDispatcher("inline-test"));
        await Task.Run(() => actor.Tell("boom")); // the Tell returns normally; the supervisor restarts the actor
        Assert.Equal("pong", await Task.Run(() => actor.Ask<string>("ping", Dilated(TimeSpan.FromSeconds(10)))));
        Assert.Equal("pong", await actor.Ask<string>("ping", Dilated(TimeSpan.FromSeconds(10))));
    }

    private sealed class RecordingActor : ReceiveActor
    {
        public RecordingActor(string name, ConcurrentQueue<Entry> log, Action<object, IActorRef>? after) =>
            ReceiveAny(message =>
            {
                log.Enqueue(Entry.Here($"{name}:{message}"));
                after?.Invoke(message, Self);
            });
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef next) => Receive<int>(hops => next.Tell(hops + 1));
    }

    private sealed class Failing : ReceiveActor
    {
        public Failing()
        {
            Receive<string>(message => message == "boom", _ => throw new InvalidOperationException("boom"));
            Receive<string>(_ => Sender.Tell("pong"));
        }
    }
}
