using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols;

public sealed class RandomProtocolTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string BadRequest = "ERR expected an empty line or \"<min> <max>\" (integers, min <= max)";

    [Fact]
    public async Task A_range_line_gets_numbers_within_that_range_inclusive()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = random");
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        var seen = new HashSet<long>();
        for (var i = 0; i < 200; i++)
        {
            await client.SendAsync("1 6\n", Within());
            var n = long.Parse((await client.ReadLineAsync(Within()))!);
            Assert.InRange(n, 1, 6);
            seen.Add(n);
        }
        Assert.Equal(6, seen.Count); // 200 throws of a die show every face unless the generator is broken

        await client.SendAsync("-5 -5\n 7\t7 \n-9223372036854775808 9223372036854775807\n", Within());
        Assert.Equal("-5", await client.ReadLineAsync(Within()));
        Assert.Equal("7", await client.ReadLineAsync(Within()));
        Assert.True(long.TryParse(await client.ReadLineAsync(Within()), out _));
    }

    [Fact]
    public async Task An_empty_line_gets_a_number_in_the_configured_default_range()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main { protocol = random, random { min = 10, max = 12 } }
            """);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        for (var i = 0; i < 20; i++)
        {
            await client.SendAsync("\n", Within());
            Assert.InRange(long.Parse((await client.ReadLineAsync(Within()))!), 10, 12);
        }
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("6 1")]
    [InlineData("1")]
    [InlineData("1 2 3")]
    [InlineData("1x 2")]
    [InlineData("99999999999999999999 1")]
    public async Task Bad_input_gets_an_error_line_and_the_connection_stays_open(string line)
    {
        var server = await StartServerAsync("akka-tcp.servers.main.protocol = random");
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync(line + "\n", Within());
        Assert.Equal(BadRequest, await client.ReadLineAsync(Within()));
        await client.SendAsync("3 3\n", Within());
        Assert.Equal("3", await client.ReadLineAsync(Within()));
    }
}
