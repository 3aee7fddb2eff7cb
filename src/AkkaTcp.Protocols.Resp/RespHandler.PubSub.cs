using System.Text;
using Akka.Actor;
using AkkaTcp.Protocols.Resp.Commands;
using AkkaTcp.Protocols.Resp.PubSub;

namespace AkkaTcp.Protocols.Resp;

// Pub/sub with Redis's RESP2 semantics: a connection subscribed to anything only takes
// (P)(UN)SUBSCRIBE, PING, QUIT and RESET; its subscriptions are kept here (for the counts in the
// replies) and in the node's broker (for delivery). A subscriber's output is bounded like Redis's
// client-output-buffer-limit pubsub: past the hard limit, or above the soft one for its time, it is
// reset and counted; other connections are not affected.
internal sealed partial class RespHandler
{
    private const string NotInSubscribedContext = "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";

    private readonly IActorRef _broker;
    private HashSet<byte[]>? _channels;
    private HashSet<byte[]>? _patterns;
    private long _aboveSoftLimitSince;
    // Set when this subscriber is cut: deliveries already in its mailbox are dropped, not counted again.
    private bool _cutForOutput;

    /// <summary>Channels and patterns this connection is subscribed to; above zero it is in subscribed mode.</summary>
    internal int Subscriptions => (_channels?.Count ?? 0) + (_patterns?.Count ?? 0);

    private static bool AllowedWhileSubscribed(CommandSpec spec) =>
        spec.Name is "SUBSCRIBE" or "UNSUBSCRIBE" or "PSUBSCRIBE" or "PUNSUBSCRIBE" or "PING" or "QUIT" or "RESET";

    private static void RefuseWhileSubscribed(CommandSpec spec, RespCommand command, IConnectionContext<RespReply> c)
    {
        var name = spec.Name is "CLIENT" or "CONFIG" or "COMMAND" or "PUBSUB" && command.Count > 1
            ? spec.LowerName + "|" + Arg.Text(command[1]).ToLowerInvariant()
            : spec.LowerName;
        c.Reply(RespReply.Error(Encoding.UTF8.GetBytes("ERR Can't execute '" + name + NotInSubscribedContext)));
    }

    public static void Subscribe(RespHandler h, RespCommand command, IConnectionContext<RespReply> c) => h.Subscribe(command, c, patterns: false);

    public static void PatternSubscribe(RespHandler h, RespCommand command, IConnectionContext<RespReply> c) => h.Subscribe(command, c, patterns: true);

    public static void Unsubscribe(RespHandler h, RespCommand command, IConnectionContext<RespReply> c) => h.Unsubscribe(command, c, patterns: false);

    public static void PatternUnsubscribe(RespHandler h, RespCommand command, IConnectionContext<RespReply> c) => h.Unsubscribe(command, c, patterns: true);

    private void Subscribe(RespCommand command, IConnectionContext<RespReply> c, bool patterns)
    {
        var wasSubscribed = Subscriptions > 0;
        var mine = patterns ? (_patterns ??= new(Keyspace.ByteKeyComparer.Instance)) : (_channels ??= new(Keyspace.ByteKeyComparer.Instance));
        List<byte[]>? added = null;
        for (var i = 1; i < command.Count; i++)
        {
            var name = command[i].ToArray();
            if (mine.Add(name))
                (added ??= []).Add(name);
            WriteSubscription(c, patterns ? "psubscribe"u8 : "subscribe"u8, name);
        }
        if (added is not null)
            _broker.Tell(new PubSub.Subscribe([.. added], patterns), _self);
        // The pub/sub limits replace max-pending-write-bytes for a subscriber (a class of its own,
        // as in Redis), checked on each delivery, where its output grows, and counted there.
        if (!wasSubscribed)
            c.MaxPendingOutputBytes = int.MaxValue;
        UpdateClient();
    }

    private void Unsubscribe(RespCommand command, IConnectionContext<RespReply> c, bool patterns)
    {
        var mine = patterns ? _patterns : _channels;
        var kind = patterns ? "punsubscribe"u8 : "unsubscribe"u8;
        byte[][] names;
        if (command.Count > 1)
        {
            names = new byte[command.Count - 1][];
            for (var i = 1; i < command.Count; i++)
                names[i - 1] = command[i].ToArray();
        }
        else
            names = mine is null ? [] : [.. mine];
        if (names.Length == 0)
        {
            c.Reply(RespReply.Array(3));
            c.Reply(RespReply.Bulk(kind));
            c.Reply(RespReply.Null);
            c.Reply(RespReply.Number(Subscriptions));
            return;
        }
        List<byte[]>? removed = null;
        foreach (var name in names)
        {
            if (mine?.Remove(name) == true)
                (removed ??= []).Add(name);
            WriteSubscription(c, kind, name);
        }
        if (removed is not null)
            _broker.Tell(new PubSub.Unsubscribe([.. removed], patterns), _self);
        AfterUnsubscribe(c);
    }

    /// <summary>RESET: leaves every channel and pattern (without a reply for each) and the client's modes.</summary>
    public static void Reset(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        h.LeaveAll();
        h.AfterUnsubscribe(c);
        h.Client.NoEvict = false;
        h.Client.NoTouch = false;
        c.Reply(RespReply.Simple("RESET"u8));
    }

    private void LeaveAll()
    {
        if (_channels is { Count: > 0 })
            _broker.Tell(new PubSub.Unsubscribe([.. _channels], Patterns: false), _self);
        if (_patterns is { Count: > 0 })
            _broker.Tell(new PubSub.Unsubscribe([.. _patterns], Patterns: true), _self);
        _channels?.Clear();
        _patterns?.Clear();
    }

    private void AfterUnsubscribe(IConnectionContext<RespReply> c)
    {
        if (Subscriptions == 0)
        {
            c.MaxPendingOutputBytes = 0; // back to the server's max-pending-write-bytes
            _aboveSoftLimitSince = 0;
        }
        UpdateClient();
    }

    private void UpdateClient()
    {
        Client.Channels = _channels?.Count ?? 0;
        Client.Patterns = _patterns?.Count ?? 0;
    }

    private void WriteSubscription(IConnectionContext<RespReply> c, ReadOnlySpan<byte> kind, byte[] name)
    {
        c.Reply(RespReply.Array(3));
        c.Reply(RespReply.Bulk(kind));
        c.Reply(RespReply.Bulk(name));
        c.Reply(RespReply.Number(Subscriptions));
    }

    /// <summary>PING in subscribed mode: ["pong", message or ""], as Redis answers it there.</summary>
    internal static void SubscribedPing(RespCommand command, IConnectionContext<RespReply> c)
    {
        c.Reply(RespReply.Array(2));
        c.Reply(RespReply.Bulk("pong"u8));
        c.Reply(RespReply.Bulk(command.Count > 1 ? command[1] : default));
    }

    public static void PublishCommand(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        // Commands before it reach their partitions first: a subscriber told of a change by a
        // pipelined SET then PUBLISH reads the new value.
        h.SendQueued();
        var tag = h.Track(h.Begin(c));
        h._broker.Tell(new Publish(tag, command[1].ToArray(), command[2].ToArray()), h._self);
    }

    public static void PubSubCommand(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var sub = command[1];
        if (Arg.Is(sub, "HELP"u8) && command.Count == 2)
        {
            ServerCommands.Help(c, PubSubHelp);
            return;
        }
        if (Arg.Is(sub, "NUMPAT"u8) && command.Count != 2)
        {
            ServerCommands.WrongArity(c, "pubsub|numpat");
            return;
        }
        if (Arg.Is(sub, "CHANNELS"u8) && command.Count > 3)
        {
            c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR unknown subcommand or wrong number of arguments for '{Arg.Text(sub)}'. Try PUBSUB HELP.")));
            return;
        }
        if (!Arg.Is(sub, "NUMPAT"u8) && !Arg.Is(sub, "NUMSUB"u8) && !Arg.Is(sub, "CHANNELS"u8))
        {
            ServerCommands.UnknownSubcommand(c, command);
            return;
        }
        var tag = h.Track(h.Begin(c));
        h._broker.Tell(new PubSubQuery(tag, Copy(command)), h._self);
    }

    private static readonly string[] PubSubHelp =
    [
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "HELP",
        "    Prints this help.",
    ];

    /// <summary>A published message: written if this connection is still subscribed to what it matched.</summary>
    private void OnDelivery(Delivery delivery, IConnectionContext<RespReply> c)
    {
        if (_cutForOutput)
            return;
        if (delivery.Pattern is null)
        {
            if (_channels?.Contains(delivery.Channel) != true)
                return;
            c.Reply(RespReply.Array(3));
            c.Reply(RespReply.Bulk("message"u8));
        }
        else
        {
            if (_patterns?.Contains(delivery.Pattern) != true)
                return;
            c.Reply(RespReply.Array(4));
            c.Reply(RespReply.Bulk("pmessage"u8));
            c.Reply(RespReply.Bulk(delivery.Pattern));
        }
        c.Reply(RespReply.Bulk(delivery.Channel));
        c.Reply(RespReply.Bulk(delivery.Message));
        CheckOutputLimits(c);
    }

    /// <summary>Redis's client-output-buffer-limit pubsub: the hard limit at once, the soft one after its time.</summary>
    private void CheckOutputLimits(IConnectionContext<RespReply> c)
    {
        var limits = _stats.PubSubLimits;
        var pending = c.PendingOutputBytes;
        var cut = limits.HardLimit > 0 && pending > limits.HardLimit;
        if (!cut && limits.SoftLimit > 0 && pending > limits.SoftLimit)
        {
            var now = Environment.TickCount64;
            if (_aboveSoftLimitSince == 0)
                _aboveSoftLimitSince = now;
            cut = now - _aboveSoftLimitSince >= (long)limits.SoftTime.TotalMilliseconds;
        }
        else if (!cut)
            _aboveSoftLimitSince = 0;
        if (cut)
        {
            _cutForOutput = true;
            _stats.PubSub.OnCut();
            c.Abort(CloseReason.SlowReader);
        }
    }
}
