using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.IO;
using AkkaTcp.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Runtime;

/// <summary>
/// The prefetch list of a real Akka.IO connection reaches Akka's and .NET's private objects that
/// each request touches. It reads them by name: a later Akka or .NET that renamed one would only
/// shorten the list (and lose speed, not correctness), so this test is what notices.
/// </summary>
public sealed class HotObjectsTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public async Task The_list_of_a_served_connection_reaches_its_cells_closures_socket_arguments_and_queue()
    {
        Sys.Tcp().Tell(new Tcp.Bind(TestActor, new IPEndPoint(IPAddress.Loopback, 0)));
        var bound = ExpectMsg<Tcp.Bound>();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(bound.LocalAddress);
        ExpectMsg<Tcp.Connected>();
        var connection = LastSender;
        connection.Tell(new Tcp.Register(TestActor));
        await client.SendAsync("ping\n"u8.ToArray());
        ExpectMsg<Tcp.Received>(); // the connection is in its serving behaviour

        var own = new object();
        var hot = HotObjects.Collect(TestActor, connection, [own, null]);

        Assert.Contains(own, hot);
        Assert.Contains(connection, hot);
        Assert.Contains(hot, o => o.GetType().Name == "TcpIncomingConnection");
        Assert.Contains(hot, o => o is ActorCell);
        Assert.Contains(hot, o => o.GetType().Name == "FullActorState"); // Akka.IO's actor watches its handler
        Assert.Equal(2, hot.Count(o => o is SocketAsyncEventArgs));
        Assert.Contains(hot, o => o is Socket);
        Assert.Contains(hot, o => o is SafeSocketHandle);
        Assert.Contains(hot, o => o.GetType().Name == "SocketAsyncContext");
        Assert.Contains(hot, o => o.GetType().Name.StartsWith("Queue", StringComparison.Ordinal));
        Assert.Contains(hot, o => o.GetType().IsArray && o.GetType().GetElementType()!.Name.StartsWith("ValueTuple", StringComparison.Ordinal)); // the queue's array
        Assert.Contains(hot, o => o is Receive[]); // the behaviour stack's array
        Assert.Contains(hot, o => o is byte[] { Length: >= 4096 }); // the receive buffer
        Assert.Contains(hot, o => o.GetType().Name.StartsWith("PartialHandlerArgumentsCapture", StringComparison.Ordinal));
        Assert.True(hot.Count(o => o is Delegate) >= 8, $"{hot.Count(o => o is Delegate)} delegates: the behaviour and its message handlers");
        Assert.True(hot.Length <= 48, $"{hot.Length} objects");
        Assert.Equal(hot.Length, hot.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void A_reference_that_is_no_local_actor_gives_only_the_objects_handed_in()
    {
        var own = new object();
        var hot = HotObjects.Collect(ActorRefs.Nobody, ActorRefs.Nobody, [own]);
        Assert.Equal([own], hot);
    }
}
