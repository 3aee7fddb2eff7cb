using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols;

/// <summary>The protocol guide's example, named in HOCON as the guide says, over loopback.</summary>
public sealed class GuideExampleTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task The_guide_example_answers_each_line_with_its_length()
    {
        var server = await StartServerAsync("""
            akka-tcp.protocols.length = "AkkaTcp.Tests.Protocols.LengthProtocol, AkkaTcp.Tests"
            akka-tcp.servers.main.protocol = length
            """);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("hello\n\nsixteen bytes...\n", Within());
        Assert.Equal("5", await client.ReadLineAsync(Within()));
        Assert.Equal("0", await client.ReadLineAsync(Within()));
        Assert.Equal("16", await client.ReadLineAsync(Within()));
    }
}
