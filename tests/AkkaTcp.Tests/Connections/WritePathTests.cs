using System.Net;
using System.Text;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using AkkaTcp.Connections;
using AkkaTcp.Protocols;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Connections;

/// <summary>
/// The connection actor's write path, at actor level: a TestProbe stands in for Akka.IO's socket
/// actor, so every Write, ack, SuspendReading and close the connection issues can be seen.
/// </summary>
public sealed class WritePathTests(ITestOutputHelper output) : ServerSpec(output)
{
    // Most tests watch the acknowledged path: every write asks for an ack.
    // As a child of the test actor, what the connection tells its listener arrives at the test actor.
    // The probe sees what the connection tells Akka.IO except the resume after each chunk (pull
    // mode), which SocketStandIn counts in _reads instead.
    private readonly SocketStandIn.Counts _reads = new();

    // Stops turning when the test's actor system terminates (its scheduler stops).
    private ConnectionClock Clock => _clock ??= new ConnectionClock(Sys.Scheduler);
    private ConnectionClock? _clock;

    private (IActorRef Connection, TestProbe Socket) StartConnection(string hocon = "", bool childOfTestActor = false)
    {
        var settings = LoadSettings("akka-tcp.servers.main.ack-every-writes = 1\n" + hocon).Servers[0];
        var socket = CreateTestProbe();
        var standIn = Sys.ActorOf(Props.Create(() => new SocketStandIn(socket.Ref, _reads)));
        var info = new ConnectionInfo(1, "main", new IPEndPoint(IPAddress.Loopback, 40000), settings.EndPoint);
        var props = Props.Create<Connection>(info, standIn, settings, Admission.Serve, AkkaTcpMetrics.Shared.ForServer(settings.Name), Clock);
        var connection = childOfTestActor ? ChildActorOf(props) : Sys.ActorOf(props);
        var register = socket.ExpectMsg<Tcp.Register>();
        Assert.Equal(connection, register.Handler);
        Assert.True(register.KeepOpenOnPeerClosed, "half-closed clients must still get their replies");
        AwaitCondition(() => _reads.ChunkResumes == 1); // the first read
        return (connection, socket);
    }

    [Fact]
    public void Reading_resumes_once_after_every_chunk_and_not_while_suspended()
    {
        var (connection, socket) = StartConnection("""
            akka-tcp.servers.main { write-high-water-mark = 30, write-low-water-mark = 10 }
            """);
        connection.Tell(Received("a\n"), socket.Ref);
        var first = socket.ExpectMsg<Tcp.Write>();
        AwaitCondition(() => _reads.ChunkResumes == 2);
        connection.Tell(Received("b\n"), socket.Ref); // Akka.IO delivers a chunk only after a resume
        AwaitCondition(() => _reads.ChunkResumes == 3);
        connection.Tell(Received("c\n"), socket.Ref);
        AwaitCondition(() => _reads.ChunkResumes == 4);

        connection.Tell(Received(new string('x', 40) + "\n"), socket.Ref); // above the high-water mark
        socket.ExpectMsg<Tcp.SuspendReading>();
        connection.Tell(first.Ack, socket.Ref);
        var second = socket.ExpectMsg<Tcp.Write>(); // "b c x..." leave together: still above the low mark
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(4, _reads.ChunkResumes); // the chunk that suspended reading got no resume of its own

        connection.Tell(second.Ack, socket.Ref);
        socket.ExpectMsg<Tcp.ResumeReading>(); // backpressure over: one resume, through the probe
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(4, _reads.ChunkResumes);
    }

    private static Tcp.Received Received(string text) => new(ByteString.FromString(text));

    private static string Text(Tcp.Write write) => Encoding.ASCII.GetString(write.Data.ToArray());

    [Fact]
    public void Only_one_write_is_in_flight_and_replies_made_meanwhile_leave_together_in_the_next()
    {
        var (connection, socket) = StartConnection();
        connection.Tell(Received("a\nb\n"), socket.Ref);
        var first = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal("a\nb\n", Text(first));
        Assert.True(first.WantsAck);

        connection.Tell(Received("c\n"), socket.Ref);
        connection.Tell(Received("d\ne"), socket.Ref);
        connection.Tell(Received("\n"), socket.Ref);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        connection.Tell(first.Ack, socket.Ref);
        var second = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal("c\nd\ne\n", Text(second));
        connection.Tell(second.Ack, socket.Ref);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Small_writes_go_without_an_ack_until_every_nth_asks_for_one_and_large_ones_always_do()
    {
        var (connection, socket) = StartConnection("akka-tcp.servers.main.ack-every-writes = 3");
        connection.Tell(Received("a\n"), socket.Ref);
        var first = socket.ExpectMsg<Tcp.Write>();
        connection.Tell(Received("b\n"), socket.Ref);
        var second = socket.ExpectMsg<Tcp.Write>();
        connection.Tell(Received("c\n"), socket.Ref);
        var third = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal(("a\n", false), (Text(first), first.WantsAck));
        Assert.Equal(("b\n", false), (Text(second), second.WantsAck));
        Assert.Equal(("c\n", true), (Text(third), third.WantsAck)); // confirms all three

        // While the acknowledged write is out, replies gather, as on the acknowledged path.
        connection.Tell(Received("d\n"), socket.Ref);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        connection.Tell(third.Ack, socket.Ref);
        var fourth = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal(("d\n", false), (Text(fourth), fourth.WantsAck));

        // A write over 4 KiB always asks for an ack.
        connection.Tell(Received(new string('x', 5000) + "\n"), socket.Ref);
        var large = socket.ExpectMsg<Tcp.Write>();
        Assert.True(large.WantsAck);
        Assert.Equal(5001, large.Data.Count);
    }

    [Fact]
    public void Small_writes_keep_their_bytes_while_later_replies_gather_behind_them_in_the_same_buffer()
    {
        var (connection, socket) = StartConnection("akka-tcp.servers.main.ack-every-writes = 16");
        var lines = "abcde".Select(letter => new string(letter, 1499) + "\n").ToArray();
        var writes = new List<Tcp.Write>();
        foreach (var line in lines.Take(4))
        {
            connection.Tell(Received(line), socket.Ref);
            writes.Add(socket.ExpectMsg<Tcp.Write>());
        }

        // The first is copied out; the next two fill a 4 KiB buffer; the fourth outgrows it while
        // the two are unconfirmed, so it asks for the ack that frees the old buffer; the fifth
        // waits for that ack.
        Assert.Equal([false, false, false, true], writes.Select(write => write.WantsAck));
        connection.Tell(Received(lines[4]), socket.Ref);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        connection.Tell(writes[3].Ack, socket.Ref);
        writes.Add(socket.ExpectMsg<Tcp.Write>());
        Assert.False(writes[4].WantsAck); // a new round of small writes
        Assert.Equal(lines, writes.Select(Text));
    }

    [Fact]
    public void Small_writes_left_unconfirmed_by_a_quiet_connection_are_confirmed_within_seconds()
    {
        var (connection, socket) = StartConnection("akka-tcp.servers.main.ack-every-writes = 16");
        connection.Tell(Received("a\n"), socket.Ref);
        Assert.False(socket.ExpectMsg<Tcp.Write>().WantsAck);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(1500)); // a lone reply is copied out: no buffer held

        connection.Tell(Received("b\n"), socket.Ref);
        Assert.False(socket.ExpectMsg<Tcp.Write>().WantsAck);
        // Its buffer is held: an empty acknowledged write, so that its ack frees it.
        var confirmation = socket.ExpectMsg<Tcp.Write>(TimeSpan.FromSeconds(5));
        Assert.True(confirmation.WantsAck);
        Assert.Equal(0, confirmation.Data.Count);
        connection.Tell(confirmation.Ack, socket.Ref);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(1500)); // nothing left to confirm

        connection.Tell(Received("c\n"), socket.Ref);
        var next = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal(("c\n", false), (Text(next), next.WantsAck));
    }

    [Fact]
    public void Unacknowledged_writes_stay_below_the_low_water_mark_so_reading_held_back_always_waits_on_an_ack()
    {
        var (connection, socket) = StartConnection("""
            akka-tcp.servers.main { ack-every-writes = 16, write-high-water-mark = 16k, write-low-water-mark = 4k }
            """);
        var line = new string('x', 2999) + "\n";
        for (var i = 0; i < 10; i++)
            connection.Tell(Received(line), socket.Ref);

        // Until reading stops: unacknowledged bytes stay under the 4k low-water mark, and the
        // write out when it stops asks for an ack.
        var unacknowledged = 0;
        Tcp.Write? awaitingAck = null;
        while (socket.ExpectMsg<object>() is Tcp.Write write)
        {
            if (write.WantsAck)
                awaitingAck = write;
            else
                unacknowledged += write.Data.Count;
            Assert.True(unacknowledged < 4096, $"{unacknowledged} bytes out without an ack");
        }
        Assert.NotNull(awaitingAck);

        // Its ack (and the ones after it) bring reading back.
        object next;
        connection.Tell(awaitingAck.Ack, socket.Ref);
        while ((next = socket.ExpectMsg<object>()) is not Tcp.ResumeReading)
        {
            var more = Assert.IsType<Tcp.Write>(next);
            if (more.WantsAck)
                connection.Tell(more.Ack, socket.Ref);
        }
    }

    [Fact]
    public void Reading_is_suspended_above_the_high_water_mark_and_resumed_below_the_low_one()
    {
        var (connection, socket) = StartConnection("""
            akka-tcp.servers.main { write-high-water-mark = 30, write-low-water-mark = 10 }
            """);
        connection.Tell(Received("0123456789\n"), socket.Ref); // 11 bytes pending: below the mark
        var first = socket.ExpectMsg<Tcp.Write>();
        connection.Tell(Received("0123456789\n0123456789\n"), socket.Ref); // 33 pending: above it
        socket.ExpectMsg<Tcp.SuspendReading>();

        connection.Tell(first.Ack, socket.Ref); // 22 pending, all in the next write: still above low
        var second = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal(22, second.Data.Count);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        connection.Tell(second.Ack, socket.Ref); // nothing pending
        socket.ExpectMsg<Tcp.ResumeReading>();
    }

    [Fact]
    public void A_protocol_error_is_answered_flushed_and_followed_by_a_confirmed_close()
    {
        var (connection, socket) = StartConnection("akka-tcp.servers.main.max-frame-size = 4");
        Watch(connection);
        connection.Tell(Received("ok\ntoo long\nnever\n"), socket.Ref);
        var write = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal("ok\nERR line too long (max-frame-size is 4 bytes)\n", Text(write));
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the FIN waits for the reply to be sent

        connection.Tell(write.Ack, socket.Ref);
        socket.ExpectMsg<Tcp.ConfirmedClose>();
        ExpectProbeAfterClose(socket);
        connection.Tell(Received("more input is discarded\n"), socket.Ref);
        connection.Tell(Tcp.ConfirmedClosed.Instance, socket.Ref);
        ExpectTerminated(connection);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // closed cleanly: no Abort after the fact
    }

    [Fact]
    public void A_client_that_never_finishes_closing_is_reset_after_close_timeout()
    {
        var (connection, socket) = StartConnection("""
            akka-tcp.servers.main { max-frame-size = 4, close-timeout = 300ms }
            """);
        connection.Tell(Received("overlong\n"), socket.Ref);
        connection.Tell(socket.ExpectMsg<Tcp.Write>().Ack, socket.Ref);
        socket.ExpectMsg<Tcp.ConfirmedClose>();
        ExpectProbeAfterClose(socket);
        socket.ExpectMsg<Tcp.Abort>(Dilated(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Output_past_max_pending_write_bytes_resets_the_connection_as_a_slow_reader()
    {
        var (connection, socket) = StartConnection("""
            akka-tcp.servers.main { write-high-water-mark = 30, write-low-water-mark = 10, max-pending-write-bytes = 60 }
            """);
        Watch(connection);
        connection.Tell(Received("0123456789012345678901234567890123456789\n"), socket.Ref); // 41 pending
        socket.ExpectMsg<Tcp.Write>();
        socket.ExpectMsg<Tcp.SuspendReading>();
        // A chunk already on its way when reading stopped still arrives, and still gets replies.
        connection.Tell(Received("0123456789012345678901234567890\n012345678901234567890123456789012\n"), socket.Ref); // 66 behind the write > 60
        socket.ExpectMsg<Tcp.Abort>();
        connection.Tell(Tcp.Aborted.Instance, socket.Ref);
        ExpectTerminated(connection);
    }

    [Fact]
    public void A_connection_told_to_drain_writes_everything_owed_and_then_closes()
    {
        var (connection, socket) = StartConnection();
        Watch(connection);
        connection.Tell(Received("one\ntwo\n"), socket.Ref);
        var first = socket.ExpectMsg<Tcp.Write>();
        connection.Tell(Received("three\n"), socket.Ref); // gathered behind the write in flight

        connection.Tell(AkkaTcp.Connections.Connection.Drain.Instance);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // no FIN while replies are owed
        connection.Tell(first.Ack, socket.Ref);
        var second = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal("three\n", Text(second));
        connection.Tell(Received("after the drain began\n"), socket.Ref); // not served
        connection.Tell(second.Ack, socket.Ref);
        socket.ExpectMsg<Tcp.ConfirmedClose>();
        connection.Tell(Tcp.ConfirmedClosed.Instance, socket.Ref);
        ExpectTerminated(connection);
    }

    [Fact]
    public void Reading_stops_while_max_in_flight_deferred_replies_are_owed()
    {
        var (connection, socket) = StartConnection("""
            akka-tcp.protocols.slow-echo = "AkkaTcp.Tests.Protocols.SlowEchoProtocol, AkkaTcp.Tests"
            akka-tcp.servers.main { protocol = slow-echo, max-in-flight = 2 }
            """);
        connection.Tell(Received("sleep 300\nsleep 300\n"), socket.Ref);
        socket.ExpectMsg<Tcp.SuspendReading>();
        // Once one is answered reading resumes; the replies leave in request order, in one or two writes.
        var replies = new System.Text.StringBuilder();
        var resumed = false;
        while (!resumed || replies.Length < "slept 300\nslept 300\n".Length)
        {
            switch (socket.ReceiveOne(Dilated(TimeSpan.FromSeconds(5))))
            {
                case Tcp.Write write:
                    replies.Append(Text(write));
                    connection.Tell(write.Ack, socket.Ref);
                    break;
                case Tcp.ResumeReading:
                    resumed = true;
                    break;
                case var other:
                    throw new InvalidOperationException($"unexpected {other}");
            }
        }
        Assert.Equal("slept 300\nslept 300\n", replies.ToString());
    }

    [Fact]
    public void A_client_that_closed_its_side_gets_its_replies_before_the_close()
    {
        var (connection, socket) = StartConnection();
        connection.Tell(Received("x\ny\n"), socket.Ref);
        var write = socket.ExpectMsg<Tcp.Write>();
        connection.Tell(Tcp.PeerClosed.Instance, socket.Ref);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        connection.Tell(write.Ack, socket.Ref);
        socket.ExpectMsg<Tcp.Close>(); // the client's FIN came already: a plain Close, not a wait for another
    }

    [Fact]
    public void A_client_FIN_that_crosses_our_close_gets_a_Close_that_Akka_IO_cannot_forget()
    {
        var (connection, socket) = StartConnection();
        Watch(connection);
        var probe = DrainAfterOneReply(connection, socket);
        // Akka.IO, still flushing, saw the client's EOF first: it reports PeerClosed and drops our close.
        connection.Tell(Tcp.PeerClosed.Instance, socket.Ref);
        socket.ExpectMsg<Tcp.Close>();
        connection.Tell(probe.Ack, socket.Ref); // it took the probe as a plain write: that says nothing of a FIN
        connection.Tell(Tcp.Closed.Instance, socket.Ref);
        ExpectTerminated(connection);
    }

    /// <summary>
    /// The drain counts a connection finished only once Akka.IO has sent its FIN (it refuses the
    /// write that follows our close): an unbind right after it would otherwise reset the client.
    /// </summary>
    [Fact]
    public void A_drained_connection_is_finished_only_once_Akka_IO_refused_the_write_after_its_close()
    {
        var (connection, socket) = StartConnection(childOfTestActor: true);
        var probe = DrainAfterOneReply(connection, socket);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the close is only asked for yet

        connection.Tell(probe.FailureMessage, socket.Ref);
        ExpectMsg<ConnectionFinished>();
        connection.Tell(Tcp.ConfirmedClosed.Instance, socket.Ref);
        Assert.Equal(CloseReason.Shutdown, ExpectMsg<ConnectionEnded>().Reason);
    }

    /// <summary>One request answered, then a drain: the reply's ack lets the connection close. Returns the probe after its ConfirmedClose.</summary>
    private static Tcp.Write DrainAfterOneReply(IActorRef connection, TestProbe socket)
    {
        connection.Tell(Received("bye\n"), socket.Ref);
        var write = socket.ExpectMsg<Tcp.Write>();
        connection.Tell(AkkaTcp.Connections.Connection.Drain.Instance);
        connection.Tell(write.Ack, socket.Ref);
        socket.ExpectMsg<Tcp.ConfirmedClose>();
        return ExpectProbeAfterClose(socket);
    }

    /// <summary>The empty acknowledged write a connection sends right after its ConfirmedClose.</summary>
    private static Tcp.Write ExpectProbeAfterClose(TestProbe socket)
    {
        var probe = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal(0, probe.Data.Count);
        Assert.True(probe.WantsAck);
        return probe;
    }

    [Fact]
    public void A_drain_while_small_writes_hold_the_buffer_confirms_them_before_the_FIN()
    {
        var (connection, socket) = StartConnection("akka-tcp.servers.main.ack-every-writes = 16");
        connection.Tell(Received("a\n"), socket.Ref);
        connection.Tell(Received("b\n"), socket.Ref); // wrapped: its buffer is held until an ack
        Assert.Equal("a\n", Text(socket.ExpectMsg<Tcp.Write>()));
        var held = socket.ExpectMsg<Tcp.Write>();
        Assert.Equal(("b\n", false), (Text(held), held.WantsAck));

        connection.Tell(AkkaTcp.Connections.Connection.Drain.Instance);
        var confirmation = socket.ExpectMsg<Tcp.Write>();
        Assert.True(confirmation.WantsAck);
        Assert.Equal(0, confirmation.Data.Count);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal("b\n", Text(held)); // still intact while Akka.IO may hold it
        connection.Tell(confirmation.Ack, socket.Ref);
        socket.ExpectMsg<Tcp.ConfirmedClose>();
        ExpectProbeAfterClose(socket);
    }

    [Fact]
    public void Small_writes_sent_without_an_ack_are_confirmed_before_the_FIN()
    {
        var (connection, socket) = StartConnection("akka-tcp.servers.main.ack-every-writes = 16");
        connection.Tell(Received("a\n"), socket.Ref);
        var unacknowledged = socket.ExpectMsg<Tcp.Write>();
        Assert.False(unacknowledged.WantsAck);
        connection.Tell(AkkaTcp.Connections.Connection.Drain.Instance);
        var confirmation = socket.ExpectMsg<Tcp.Write>();
        Assert.True(confirmation.WantsAck);
        Assert.Equal(0, confirmation.Data.Count);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // no FIN before Akka.IO has taken every byte
        connection.Tell(confirmation.Ack, socket.Ref);
        socket.ExpectMsg<Tcp.ConfirmedClose>();
        ExpectProbeAfterClose(socket);
    }
}
