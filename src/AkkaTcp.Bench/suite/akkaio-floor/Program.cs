using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Akka.IO;
using AkkaTcp;
using AkkaTcp.Configuration;

// The floor under any echo server on Akka.IO that reads the default way (push mode): Akka.IO's
// connection actor and a handler that Tells each received ByteString straight back as a Write (no
// framing, no buffers, no acks, no limits), on the console host's executor and mailbox. What
// AkkaTcp costs beyond it is AkkaTcp's; what it costs beyond the Go server is Akka.IO's.
//   akkaio-floor --port 7100 [--handler actor|ref]
// ref: the handler is a bare IActorRef that writes back inside Akka.IO's own mailbox run, so no
// mailbox or actor cell of the handler's is involved at all.
InlineSocketCompletions.EnableUnlessSet();
var port = args.SkipWhile(a => a != "--port").Skip(1).Select(int.Parse).DefaultIfEmpty(7100).First();
var handler = args.SkipWhile(a => a != "--handler").Skip(1).DefaultIfEmpty("actor").First();
var config = AkkaTcpConfig.InlineExecution.WithFallback(ConfigurationFactory.ParseString("""
    akka.loglevel = WARNING
    akka.io.tcp.maximum-frame-size = 4k
    """));
var system = ActorSystem.Create("floor", config);
system.ActorOf(Props.Create(() => new FloorListener(port, handler == "ref")), "listener");
await system.WhenTerminated;

internal sealed class FloorListener : ReceiveActor
{
    private long _accepted;

    public FloorListener(int port, bool bareRef)
    {
        Context.System.Tcp().Tell(new Tcp.Bind(Self, new IPEndPoint(IPAddress.Loopback, port), backlog: 4096));
        Receive<Tcp.Bound>(_ => { });
        Receive<Tcp.CommandFailed>(failed =>
        {
            Console.Error.WriteLine($"bind failed: {failed.Cause}");
            Context.System.Terminate();
        });
        Receive<Tcp.Connected>(_ =>
        {
            var connection = Sender;
            var name = "c" + _accepted++;
            IActorRef echo = bareRef
                ? new FloorEchoRef(connection, ((ExtendedActorSystem)Context.System).Provider, Self.Path / name)
                : Context.ActorOf(Props.Create(() => new FloorEcho(connection)), name);
            connection.Tell(new Tcp.Register(echo));
        });
    }
}

internal sealed class FloorEcho(IActorRef connection) : UntypedActor
{
    protected override void OnReceive(object message)
    {
        if (message is Tcp.Received received)
            connection.Tell(Tcp.Write.Create(received.Data), Self);
        else if (message is Tcp.ConnectionClosed)
            Context.Stop(Self);
    }
}

internal sealed class FloorEchoRef(IActorRef connection, IActorRefProvider provider, ActorPath path) : MinimalActorRef
{
    public override ActorPath Path => path;

    public override IActorRefProvider Provider => provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (message is Tcp.Received received)
            connection.Tell(Tcp.Write.Create(received.Data), this);
    }
}
