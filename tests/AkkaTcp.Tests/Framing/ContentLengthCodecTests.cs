using System.Buffers;
using System.Text;
using AkkaTcp.Protocols;
using Xunit;

namespace AkkaTcp.Tests.Framing;

public sealed class ContentLengthCodecTests
{
    private static (DecodeStatus Status, string Frame, int Consumed, string Error) Decode(string input, int max = 100)
    {
        var status = new ContentLengthCodec(max).Decode(Encoding.ASCII.GetBytes(input), out var frame, out var consumed, out var error);
        return (status, Encoding.ASCII.GetString(frame), consumed, error.Message ?? "");
    }

    [Fact]
    public void A_header_block_and_its_body_make_a_frame_other_headers_ignored()
    {
        var result = Decode("Content-Type: application/json\r\ncontent-length: 4\r\n\r\n{}{}next");
        Assert.Equal((DecodeStatus.Frame, "{}{}", 57), (result.Status, result.Frame, result.Consumed));
    }

    [Theory]
    [InlineData("Content-Length: 4\r\n")]
    [InlineData("Content-Length: 4\r\n\r\n{}")]
    public void An_incomplete_message_needs_more_data(string input) => Assert.Equal(DecodeStatus.NeedMoreData, Decode(input).Status);

    [Theory]
    [InlineData("X: 1\r\n\r\n{}", "missing Content-Length header")]
    [InlineData("Content-Length: -3\r\n\r\n", "bad Content-Length header")]
    [InlineData("Content-Length: 101\r\n\r\n", "message too long (max-frame-size is 100 bytes)")]
    public void Broken_headers_are_refused(string input, string expected) => Assert.Equal(expected, Decode(input).Error);

    [Fact]
    public void Encoding_prefixes_the_length_header()
    {
        var output = new ArrayBufferWriter<byte>();
        new ContentLengthCodec(100).Encode("{\"a\":1}"u8, output);
        Assert.Equal("Content-Length: 7\r\n\r\n{\"a\":1}", Encoding.ASCII.GetString(output.WrittenSpan));
    }
}
