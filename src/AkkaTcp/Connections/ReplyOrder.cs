using System.Buffers;

namespace AkkaTcp.Connections;

/// <summary>
/// Keeps replies in request order when some are answered later (deferred). While no deferred reply
/// is pending, replies go straight to the connection's output. Once one is pending, later replies
/// are gathered behind it, and everything is released to the output, in order, as the deferred
/// replies at the head complete.
/// </summary>
internal sealed class ReplyOrder(OutputBuffer output)
{
    private readonly Queue<Slot> _slots = new();
    private Slot? _tail;
    private IBufferWriter<byte>? _writingSlot;
    private int _deferred;

    /// <summary>Where a reply written now belongs.</summary>
    public IBufferWriter<byte> Writer => _writingSlot ?? (_slots.Count == 0 ? output : Tail().Bytes);

    /// <summary>
    /// True while a deferred reply is outstanding. (Held slots exist only behind one: once the
    /// last completes, every slot is released.)
    /// </summary>
    public bool HasPending => _deferred > 0;

    /// <summary>Deferred replies not yet completed (ordered and unordered).</summary>
    public int Deferred => _deferred;

    /// <summary>Reserves the next place in the output for a reply that comes later.</summary>
    public object Reserve(Action writeReply)
    {
        var slot = new Slot(writeReply);
        _slots.Enqueue(slot);
        _tail = null; // replies after this one gather in a new slot behind it
        _deferred++;
        return slot;
    }

    /// <summary>A reply that will be written whenever it is ready, in completion order (matched by id).</summary>
    public object ReserveUnordered(Action writeReply)
    {
        _deferred++;
        return new UnorderedReply(writeReply);
    }

    /// <summary>A deferred reply is ready: writes it into its place and releases what is ready.</summary>
    public void Complete(object reserved)
    {
        _deferred--;
        if (reserved is UnorderedReply unordered)
        {
            unordered.WriteReply(); // to Writer: behind any ordered replies still held
            return;
        }
        var slot = (Slot)reserved;
        _writingSlot = slot.Bytes;
        try
        {
            slot.WriteReply!();
        }
        finally
        {
            _writingSlot = null;
        }
        slot.Ready = true;
        while (_slots.TryPeek(out var head) && head.Ready)
        {
            _slots.Dequeue();
            if (ReferenceEquals(head, _tail))
                _tail = null;
            var bytes = head.Bytes.WrittenSpan;
            bytes.CopyTo(output.GetSpan(bytes.Length));
            output.Advance(bytes.Length);
        }
    }

    private Slot Tail()
    {
        if (_tail is null)
        {
            _tail = new Slot(null) { Ready = true };
            _slots.Enqueue(_tail);
        }
        return _tail;
    }

    private sealed record UnorderedReply(Action WriteReply);

    private sealed class Slot(Action? writeReply)
    {
        public Action? WriteReply { get; } = writeReply;
        public ArrayBufferWriter<byte> Bytes { get; } = new();
        public bool Ready { get; set; }
    }
}
