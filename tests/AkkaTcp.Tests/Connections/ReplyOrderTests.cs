using System.Text;
using AkkaTcp.Connections;
using AkkaTcp.Protocols;
using Xunit;

namespace AkkaTcp.Tests.Connections;

/// <summary>Reply ordering around deferred replies, on the buffer alone (no actors, no sockets).</summary>
public sealed class ReplyOrderTests
{
    private readonly OutputBuffer _output = new();
    private readonly ReplyOrder _replies;

    public ReplyOrderTests() => _replies = new ReplyOrder(_output);

    private void Write(string text) => Write(_replies, text);

    private static void Write(ReplyOrder replies, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        bytes.CopyTo(replies.Writer.GetSpan(bytes.Length));
        replies.Writer.Advance(bytes.Length);
    }

    private string Sent()
    {
        var write = _output.StartWrite(out _);
        _output.CompleteWrite();
        return write is null ? "" : Encoding.ASCII.GetString(write.ToArray());
    }

    [Fact]
    public void Replies_behind_an_unfinished_deferred_reply_wait_for_it()
    {
        Write("a ");
        var first = _replies.Reserve();
        Write("c ");
        var second = _replies.Reserve();
        Write("e ");
        Assert.Equal("a ", Sent());

        _replies.Complete(second, "d ", Write); // completes out of order: held behind the first
        Assert.Equal("", Sent());
        Assert.True(_replies.HasPending);

        _replies.Complete(first, "b ", Write);
        Assert.Equal("b c d e ", Sent());
        Assert.False(_replies.HasPending);
    }

    [Fact]
    public void Deferred_replies_completed_in_order_are_released_at_once()
    {
        var first = _replies.Reserve();
        var second = _replies.Reserve(() => Write("2 "));
        _replies.Complete(first, "1 ", Write);
        Assert.Equal("1 ", Sent());
        _replies.Complete(second);
        Assert.Equal("2 ", Sent());
        Assert.Equal(0, _replies.Deferred);
    }

    [Fact]
    public void A_token_completed_twice_fails_loudly_even_when_its_place_was_reused()
    {
        var first = _replies.Reserve();
        _replies.Complete(first, "1 ", Write);
        var reuse = _replies.Reserve(); // takes the slot the first token pointed at
        Assert.Throws<InvalidOperationException>(() => _replies.Complete(first, "again ", Write));
        _replies.Complete(reuse, "2 ", Write);
        Assert.Equal("1 2 ", Sent());
    }

    [Fact]
    public void Slots_are_reused_once_released_and_keep_order_on_reuse()
    {
        for (var round = 0; round < 3; round++)
        {
            var slots = new ReplyToken[4];
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] = _replies.Reserve();
                Write($"[{i}] "); // an immediate reply behind each deferred one
            }
            for (var i = slots.Length - 1; i >= 0; i--)
                _replies.Complete(slots[i], $"{round}.{i} ", Write);
            Assert.Equal($"{round}.0 [0] {round}.1 [1] {round}.2 [2] {round}.3 [3] ", Sent());
        }
    }
}
