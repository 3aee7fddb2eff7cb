using System.Buffers;
using System.Text;
using AkkaTcp.Protocols;
using Xunit;

namespace AkkaTcp.Tests.Framing;

public sealed class LineCodecTests
{
    private static (DecodeStatus Status, string Frame, int Consumed, ProtocolError Error) Decode(LineCodec codec, string input)
    {
        var status = codec.Decode(Encoding.ASCII.GetBytes(input), out var frame, out var consumed, out var error);
        return (status, Encoding.ASCII.GetString(frame), consumed, error);
    }

    [Fact]
    public void A_line_is_a_frame_without_its_delimiter()
    {
        var result = Decode(new LineCodec((byte)'\n', 100), "hello\nworld\n");
        Assert.Equal((DecodeStatus.Frame, "hello", 6), (result.Status, result.Frame, result.Consumed));
    }

    [Fact]
    public void A_carriage_return_before_the_newline_is_dropped()
    {
        var result = Decode(new LineCodec((byte)'\n', 100), "hello\r\nrest");
        Assert.Equal((DecodeStatus.Frame, "hello", 7), (result.Status, result.Frame, result.Consumed));
    }

    [Fact]
    public void An_unterminated_line_needs_more_data()
    {
        Assert.Equal(DecodeStatus.NeedMoreData, Decode(new LineCodec((byte)'\n', 100), "hello").Status);
        Assert.Equal(DecodeStatus.NeedMoreData, Decode(new LineCodec((byte)'\n', 100), "").Status);
    }

    [Fact]
    public void An_empty_line_is_a_frame()
    {
        var result = Decode(new LineCodec((byte)'\n', 100), "\r\n");
        Assert.Equal((DecodeStatus.Frame, "", 2), (result.Status, result.Frame, result.Consumed));
    }

    [Fact]
    public void A_line_of_exactly_max_frame_size_is_accepted_with_or_without_carriage_return()
    {
        var codec = new LineCodec((byte)'\n', 5);
        Assert.Equal(DecodeStatus.Frame, Decode(codec, "12345\n").Status);
        Assert.Equal(DecodeStatus.Frame, Decode(codec, "12345\r\n").Status);
        // Not yet known to be too long: the next byte may be the delimiter.
        Assert.Equal(DecodeStatus.NeedMoreData, Decode(codec, "12345").Status);
        Assert.Equal(DecodeStatus.NeedMoreData, Decode(codec, "12345\r").Status);
    }

    [Fact]
    public void A_line_over_max_frame_size_is_refused_as_soon_as_that_is_known()
    {
        var codec = new LineCodec((byte)'\n', 5);
        foreach (var input in new[] { "123456\n", "123456", "1234567", "12345678901234567890" })
        {
            var result = Decode(codec, input);
            Assert.Equal(DecodeStatus.Error, result.Status);
            Assert.Equal(CloseReason.FrameTooLarge, result.Error.Reason);
            Assert.Contains("max-frame-size is 5 bytes", result.Error.Message);
        }
    }

    [Fact]
    public void A_custom_delimiter_ends_frames_and_carriage_returns_are_kept()
    {
        var result = Decode(new LineCodec((byte)';', 100), "a\rb;c;");
        Assert.Equal((DecodeStatus.Frame, "a\rb", 4), (result.Status, result.Frame, result.Consumed));
    }

    [Fact]
    public void Encoding_appends_the_delimiter()
    {
        var output = new ArrayBufferWriter<byte>();
        var codec = new LineCodec((byte)'\n', 100);
        codec.Encode("one"u8, output);
        codec.Encode(""u8, output);
        Assert.Equal("one\n\n", Encoding.ASCII.GetString(output.WrittenSpan));
    }
}
