using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp;

// Commands that run in steps (multi-key commands across partitions) or wait (blocking pops) hold
// the connection's later commands until they end, as Redis does for a blocked client: a command
// pipelined after them runs after them. A held command keeps a place in the output (so it counts
// against max-in-flight, which stops reading when too many wait), and runs when released; that
// place is then filled with nothing and its replies follow, in order.
internal sealed partial class RespHandler
{
    private readonly Queue<HeldCommand> _held = new();
    private bool _holding;

    /// <summary>A held command: its bytes, its arguments' ranges in them, and the place it keeps.</summary>
    private sealed record HeldCommand(byte[] Bytes, Range[] Args, ReplyToken Place);

    /// <summary>A command in steps: <see cref="Finish"/> writes its reply and lets the held commands run.</summary>
    internal sealed class Steps(RespHandler handler, ClientReply reply)
    {
        private bool _finished;

        public void Finish(RespValue value)
        {
            if (_finished)
                return;
            _finished = true;
            handler.Complete(reply, value);
            handler.Release();
        }
    }

    internal Steps BeginSteps(IConnectionContext<RespReply> c)
    {
        var reply = Begin(c);
        _holding = true;
        return new Steps(this, reply);
    }

    private void Hold(RespCommand command, IConnectionContext<RespReply> c)
    {
        var length = 0;
        for (var i = 0; i < command.Count; i++)
            length += command[i].Length;
        var bytes = new byte[length];
        var ranges = new Range[command.Count];
        var at = 0;
        for (var i = 0; i < command.Count; i++)
        {
            command[i].CopyTo(bytes.AsSpan(at));
            ranges[i] = new Range(at, at + command[i].Length);
            at += command[i].Length;
        }
        _held.Enqueue(new HeldCommand(bytes, ranges, c.ReserveReply()));
    }

    private void Release()
    {
        _holding = false;
        while (!_holding && _held.TryDequeue(out var held))
        {
            _c.CompleteReply(held.Place, 0, static (_, _) => { });
            Dispatch(new RespCommand(held.Bytes, held.Args), _c);
        }
        SendQueued();
    }
}
