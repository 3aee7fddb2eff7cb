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

    /// <summary>Where a reply written now belongs.</summary>
    public IBufferWriter<byte> Writer => _writingSlot ?? (_slots.Count == 0 ? output : Tail().Bytes);

    public bool HasPending => _slots.Count > 0;

    /// <summary>Reserves the next place in the output for a reply that comes later.</summary>
    public object Reserve(Action writeReply)
    {
        var slot = new Slot(writeReply);
        _slots.Enqueue(slot);
        _tail = null; // replies after this one gather in a new slot behind it
        return slot;
    }

    /// <summary>A deferred reply is ready: writes it into its place and releases what is ready.</summary>
    public void Complete(object reserved)
    {
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

    private sealed class Slot(Action? writeReply)
    {
        public Action? WriteReply { get; } = writeReply;
        public ArrayBufferWriter<byte> Bytes { get; } = new();
        public bool Ready { get; set; }
    }
}
