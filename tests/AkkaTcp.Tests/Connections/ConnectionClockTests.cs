using AkkaTcp.Connections;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using Alarm = AkkaTcp.Connections.ConnectionClock.Alarm;

namespace AkkaTcp.Tests.Connections;

/// <summary>
/// The wheel that wakes connections at their deadlines, turned by the test system's real
/// scheduler: alarms ring once, never before they are due, can be moved earlier or cleared, and
/// stay consistent under concurrent setting and clearing.
/// </summary>
public sealed class ConnectionClockTests(ITestOutputHelper output) : ServerSpec(output)
{
    private static long Ms => Environment.TickCount64;

    [Fact]
    public void Every_alarm_rings_once_and_never_before_it_is_due()
    {
        using var clock = new ConnectionClock(Sys.Scheduler);
        var owner = CreateTestProbe();
        var due = new Dictionary<Alarm, long>();
        var random = new Random(7);
        for (var i = 0; i < 2_000; i++)
        {
            var alarm = new Alarm(owner.Ref);
            var at = Ms + random.Next(0, 400);
            due[alarm] = at;
            clock.Set(alarm, at);
        }

        var rung = new HashSet<Alarm>();
        for (var i = 0; i < 2_000; i++)
        {
            var alarm = owner.ExpectMsg<Alarm>(TimeSpan.FromSeconds(10));
            Assert.True(Ms >= due[alarm], "an alarm rang before it was due");
            Assert.True(rung.Add(alarm), "an alarm rang twice");
        }
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void An_alarm_set_earlier_moves_and_one_set_later_keeps_its_earlier_time()
    {
        using var clock = new ConnectionClock(Sys.Scheduler);
        var owner = CreateTestProbe();
        var alarm = new Alarm(owner.Ref);

        var late = Ms + 60_000;
        clock.Set(alarm, late);
        var early = Ms + 50;
        clock.Set(alarm, early);
        owner.ExpectMsg(alarm, TimeSpan.FromSeconds(10));
        Assert.True(Ms >= early);

        var first = Ms + 50;
        clock.Set(alarm, first);
        clock.Set(alarm, Ms + 60_000); // later: the owner is woken at the earlier time and sets it again
        owner.ExpectMsg(alarm, TimeSpan.FromSeconds(10));
        Assert.True(Ms >= first);
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_cleared_alarm_does_not_ring_and_can_be_set_again()
    {
        using var clock = new ConnectionClock(Sys.Scheduler);
        var owner = CreateTestProbe();
        var alarm = new Alarm(owner.Ref);

        clock.Set(alarm, Ms + 30);
        clock.Clear(alarm);
        clock.Clear(alarm); // clearing twice is harmless
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(400));

        clock.Set(alarm, Ms + 30);
        owner.ExpectMsg(alarm, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void An_alarm_due_beyond_one_turn_of_the_wheel_is_passed_over_until_it_is_due()
    {
        using var clock = new ConnectionClock(Sys.Scheduler);
        var owner = CreateTestProbe();
        var alarm = new Alarm(owner.Ref);
        var due = Ms + 5_300; // the wheel's 512 buckets of 10 ms: its bucket is looked at about 5.1 s early

        clock.Set(alarm, due);
        owner.ExpectMsg(alarm, TimeSpan.FromSeconds(20));
        Assert.True(Ms >= due, "an alarm a lap ahead rang a lap early");
    }

    [Fact]
    public void A_disposed_clock_rings_nothing_more()
    {
        var clock = new ConnectionClock(Sys.Scheduler);
        var owner = CreateTestProbe();
        clock.Set(new Alarm(owner.Ref), Ms + 200);

        clock.Dispose();
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public void Alarms_set_and_cleared_from_many_threads_while_it_turns_all_ring_when_finally_set()
    {
        using var clock = new ConnectionClock(Sys.Scheduler);
        var owner = CreateTestProbe();
        var alarms = Enumerable.Range(0, 200).Select(_ => new Alarm(owner.Ref)).ToArray();

        // Four threads race Set and Clear over the same alarms, with dues around the wheel's cursor,
        // while the scheduler turns it and rings some of them.
        Parallel.For(0, 4, worker =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 50_000; i++)
            {
                var alarm = alarms[random.Next(alarms.Length)];
                if (random.Next(3) == 0)
                    clock.Clear(alarm);
                else
                    clock.Set(alarm, Ms + random.Next(-20, 60));
            }
        });
        foreach (var alarm in alarms)
            clock.Clear(alarm);
        // Rings already on their way during the race are drained before the final round.
        owner.ReceiveWhile(TimeSpan.FromMilliseconds(500), message => message);

        var due = Ms + 20;
        foreach (var alarm in alarms)
            clock.Set(alarm, due);
        var rung = new HashSet<Alarm>();
        for (var i = 0; i < alarms.Length; i++)
            Assert.True(rung.Add(owner.ExpectMsg<Alarm>(TimeSpan.FromSeconds(10))), "an alarm rang twice");
        Assert.True(Ms >= due);
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
