using System.Buffers;
using AkkaTcp.Protocols;

namespace AkkaTcp.Connections;

/// <summary>
/// Keeps replies in request order when some are answered later (deferred). While no deferred reply
/// is pending, replies go straight to the connection's output. Once one is pending, later replies
/// are gathered behind it, and everything is released to the output, in order, as the deferred
/// replies at the head complete. A deferred reply completed at the head (the usual case: answers
/// come back in order) is written straight to the output, not buffered. Slots are reused, so a
/// pipelined batch of deferred replies allocates nothing once the connection has warmed up.
/// </summary>
internal sealed class ReplyOrder(OutputBuffer output)
{
    /// <summary>A slot whose buffer grew past this is not kept for reuse (an idle connection stays small).</summary>
    private const int ReusableSlotBytes = 4096;

    private readonly Queue<Slot> _slots = new();
    private readonly Stack<Slot> _free = new();
    private Slot? _tail;
    private IBufferWriter<byte>? _writingTo;
    private int _deferred;

    /// <summary>Where a reply written now belongs.</summary>
    public IBufferWriter<byte> Writer => _writingTo ?? (_slots.Count == 0 ? output : Tail().Bytes);

    /// <summary>
    /// True while a deferred reply is outstanding. (Held slots exist only behind one: once the
    /// last completes, every slot is released.)
    /// </summary>
    public bool HasPending => _deferred > 0;

    /// <summary>Deferred replies not yet completed (ordered and unordered).</summary>
    public int Deferred => _deferred;

    /// <summary>
    /// Reserves the next place in the output for a reply that comes later: <paramref name="writeReply"/>
    /// writes it when <see cref="Complete(object)"/> is called, or the caller passes the writing to
    /// <see cref="Complete{TState}"/>. The token is good for one completion.
    /// </summary>
    public ReplyToken Reserve(Action? writeReply = null)
    {
        var slot = Take(writeReply, ready: false);
        _slots.Enqueue(slot);
        _tail = null; // replies after this one gather in a new slot behind it
        _deferred++;
        return new ReplyToken(slot, slot.Generation);
    }

    /// <summary>A reply that will be written whenever it is ready, in completion order (matched by id).</summary>
    public object ReserveUnordered(Action writeReply)
    {
        _deferred++;
        return new UnorderedReply(writeReply);
    }

    /// <summary>
    /// A deferred reply is ready (a boxed <see cref="ReplyToken"/> from <see cref="Reserve"/>, or what
    /// <see cref="ReserveUnordered"/> returned): writes it with the action given then, and releases what is ready.
    /// </summary>
    public void Complete(object reserved)
    {
        if (reserved is UnorderedReply unordered)
        {
            _deferred--;
            unordered.WriteReply(); // to Writer: behind any ordered replies still held
            return;
        }
        var slot = Claim((ReplyToken)reserved);
        Complete(slot, slot.WriteReply!, static write => write());
    }

    /// <summary>A reserved reply is ready: <paramref name="writeReply"/> writes it to <see cref="Writer"/> now.</summary>
    public void Complete<TState>(ReplyToken reserved, TState state, Action<TState> writeReply) =>
        Complete(Claim(reserved), state, writeReply);

    /// <summary>The slot a token reserved, if the token has not been completed yet.</summary>
    private static Slot Claim(ReplyToken token)
    {
        if (token.Place is not Slot slot || slot.Generation != token.Generation || slot.Ready)
            throw new InvalidOperationException("this reply token was completed already: a token is good for one completion");
        return slot;
    }

    private void Complete<TState>(Slot slot, TState state, Action<TState> writeReply)
    {
        _deferred--;
        var atHead = _slots.Peek() == slot;
        _writingTo = atHead ? output : slot.Bytes;
        try
        {
            writeReply(state);
        }
        finally
        {
            _writingTo = null;
        }
        slot.Ready = true;
        if (atHead)
            Recycle(_slots.Dequeue());
        while (_slots.TryPeek(out var head) && head.Ready)
        {
            _slots.Dequeue();
            if (ReferenceEquals(head, _tail))
                _tail = null;
            var bytes = head.Bytes.WrittenSpan;
            bytes.CopyTo(output.GetSpan(bytes.Length));
            output.Advance(bytes.Length);
            Recycle(head);
        }
    }

    private Slot Tail()
    {
        if (_tail is null)
        {
            _tail = Take(null, ready: true);
            _slots.Enqueue(_tail);
        }
        return _tail;
    }

    private Slot Take(Action? writeReply, bool ready)
    {
        var slot = _free.TryPop(out var reused) ? reused : new Slot();
        slot.Generation++;
        slot.WriteReply = writeReply;
        slot.Ready = ready;
        return slot;
    }

    private void Recycle(Slot slot)
    {
        slot.WriteReply = null;
        if (slot.HasBytes)
        {
            if (slot.Bytes.Capacity > ReusableSlotBytes)
                return;
            slot.Bytes.ResetWrittenCount();
        }
        _free.Push(slot);
    }

    private sealed record UnorderedReply(Action WriteReply);

    private sealed class Slot
    {
        private ArrayBufferWriter<byte>? _bytes;

        public Action? WriteReply { get; set; }

        /// <summary>Replies held here until the slots before it are released (made on first use).</summary>
        public ArrayBufferWriter<byte> Bytes => _bytes ??= new ArrayBufferWriter<byte>();

        public bool HasBytes => _bytes is not null;

        public bool Ready { get; set; }

        /// <summary>Counts the slot's uses, so a token of an earlier use is told apart.</summary>
        public int Generation { get; set; }
    }
}
