using System.Text;
using AkkaTcp.Protocols;
using AkkaTcp.Protocols.Resp;
using Xunit;

namespace AkkaTcp.Tests.Protocols.Resp;

public sealed class RespDecoderTests
{
    private static (DecodeStatus Status, string[] Args, int Consumed, string Error) Decode(string input, int maxQueryBuffer = 1 << 20)
    {
        var decoder = new RespDecoder(maxQueryBuffer, maxArrayLength: 100, maxBulkLength: 1000);
        var status = decoder.Decode(Encoding.ASCII.GetBytes(input), out var command, out var consumed, out var error);
        var args = new string[status == DecodeStatus.Frame ? command.Count : 0];
        for (var i = 0; i < args.Length; i++)
            args[i] = Encoding.ASCII.GetString(command[i]);
        return (status, args, consumed, error.Message ?? "");
    }

    [Fact]
    public void An_array_of_bulk_strings_is_one_command_with_binary_safe_arguments()
    {
        var result = Decode("*3\r\n$3\r\nSET\r\n$4\r\nk\r\ny\r\n$0\r\n\r\nPING\r\n");
        Assert.Equal(DecodeStatus.Frame, result.Status);
        Assert.Equal(["SET", "k\r\ny", ""], result.Args);
        Assert.Equal(29, result.Consumed);
    }

    [Fact]
    public void An_inline_command_is_split_on_white_space()
    {
        var result = Decode("  set  key\tvalue \r\nnext");
        Assert.Equal((DecodeStatus.Frame, 19), (result.Status, result.Consumed));
        Assert.Equal(["set", "key", "value"], result.Args);
    }

    [Theory]
    [InlineData("set \"a\\\"b\" x\r\n", new[] { "set", "a\"b", "x" })]
    [InlineData("echo \"\\x4g\\t\"\r\n", new[] { "echo", "x4g\t" })]
    [InlineData("echo 'it\\'s' \"\"\r\n", new[] { "echo", "it's", "" })]
    [InlineData("a\"b c\" e\r\n", new[] { "ab c", "e" })] // an opening quote may follow letters; a closing one must end the word
    public void Inline_quoting_follows_redis(string input, string[] expected)
    {
        var result = Decode(input);
        Assert.Equal(DecodeStatus.Frame, result.Status);
        Assert.Equal(expected, result.Args);
    }

    [Theory]
    [InlineData("*1\r\n$0\r\n\r\n", new[] { "" }, 10)]
    [InlineData("*-1\r\n", new string[0], 5)] // a null array: nothing to run, as Redis ignores it
    [InlineData("*0\r\nx", new string[0], 4)]
    [InlineData("*1\r\n$10\r\n0123456789\r\n", new[] { "0123456789" }, 21)]
    public void Lengths_are_read_as_redis_reads_them(string input, string[] expected, int consumed)
    {
        var result = Decode(input);
        Assert.Equal((DecodeStatus.Frame, consumed), (result.Status, result.Consumed));
        Assert.Equal(expected, result.Args);
    }

    [Fact]
    public void A_request_cut_at_any_byte_needs_more_data()
    {
        const string request = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
        for (var cut = 0; cut < request.Length; cut++)
            Assert.Equal(DecodeStatus.NeedMoreData, Decode(request[..cut]).Status);
        Assert.Equal(DecodeStatus.Frame, Decode(request).Status);
    }

    [Theory]
    [InlineData("*x\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*101\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n+OK\r\n", "Protocol error: expected '$', got '+'")]
    [InlineData("*1\r\n$-5\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$1001\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*+1\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*01\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n$+3\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$03\r\nabc\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$3x\r\nabc\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$3\rx\r\nabc\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$123456789012345678\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$99999999999999999999\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1 \r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*\r\n", "Protocol error: invalid multibulk length")]
    public void Malformed_requests_get_redis_protocol_errors(string input, string expected)
    {
        var result = Decode(input);
        Assert.Equal(DecodeStatus.Error, result.Status);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void An_inline_request_without_end_over_64k_is_refused()
    {
        Assert.Equal("Protocol error: too big inline request", Decode(new string('x', 70_000)).Error);
    }

    [Fact]
    public void A_request_larger_than_max_query_buffer_is_refused_before_it_is_complete()
    {
        var result = Decode("*1\r\n$900\r\n" + new string('v', 200), maxQueryBuffer: 100);
        Assert.Equal("Protocol error: request larger than resp.max-query-buffer", result.Error);
    }
}
