using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AkkaTcp.Tests.Support;
using StreamJsonRpc;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.JsonRpc;

/// <summary>The json-rpc server driven by StreamJsonRpc (a real client) and by raw lines.</summary>
public sealed class JsonRpcServerTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string JsonRpc = """
        akka-tcp.servers.main.protocol = json-rpc
        akka-tcp.servers.main.json-rpc.methods = ["AkkaTcp.Tests.Protocols.JsonRpc.TestMethods, AkkaTcp.Tests"]
        """;

    private static StreamJsonRpc.JsonRpc Client(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: false);
        var rpc = new StreamJsonRpc.JsonRpc(new NewLineDelimitedMessageHandler(stream, stream, new SystemTextJsonFormatter()));
        rpc.StartListening();
        return rpc;
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_over_one_connection_each_get_their_own_result()
    {
        var server = await StartServerAsync(JsonRpc);
        await using var connection = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        using var rpc = Client(connection.Socket);

        var calls = Enumerable.Range(0, 1000).Select(async i =>
        {
            switch (i % 3)
            {
                case 0:
                    var ms = i % 7 * 15;
                    Assert.Equal(ms, await rpc.InvokeAsync<int>("sleep", ms)); // answered out of order
                    break;
                case 1:
                    Assert.Equal(i + 1000L, await rpc.InvokeAsync<long>("add", i, 1000));
                    break;
                default:
                    Assert.Equal($"call {i}", await rpc.InvokeAsync<string>("echo-text", $"call {i}"));
                    break;
            }
        });
        await Task.WhenAll(calls);
        Assert.False(string.IsNullOrEmpty(await rpc.InvokeAsync<string>("time")));
    }

    [Fact]
    public async Task A_user_method_loaded_from_hocon_and_a_method_error_reach_the_client()
    {
        var server = await StartServerAsync(JsonRpc);
        await using var connection = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        using var rpc = Client(connection.Socket);
        Assert.Equal("olleh", await rpc.InvokeAsync<string>("reverse", "hello"));
        var error = await Assert.ThrowsAsync<RemoteMethodNotFoundException>(() => rpc.InvokeAsync<int>("missing"));
        Assert.Contains("missing", error.Message);
        // StreamJsonRpc reports -32602 (invalid params) as a method whose signature did not match.
        var invalid = await Assert.ThrowsAsync<RemoteMethodNotFoundException>(() => rpc.InvokeAsync<int>("add", 1));
        Assert.Equal(StreamJsonRpc.Protocol.JsonRpcErrorCode.InvalidParams, invalid.ErrorCode);
        Assert.Contains("Invalid params", invalid.Message);
    }

    [Fact]
    public async Task Bad_messages_get_their_error_objects_and_traffic_behind_them_is_served()
    {
        var server = await StartServerAsync(JsonRpc);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        var exchanges = new (string Request, string Response)[]
        {
            ("{not json", """{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"""),
            ("""{"jsonrpc":"2.0","id":1}""", """{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"Invalid Request"}}"""),
            ("""{"id":2,"method":"add","params":[1,2]}""", """{"jsonrpc":"2.0","id":2,"error":{"code":-32600,"message":"Invalid Request"}}"""),
            ("""{"jsonrpc":"2.0","id":3,"method":"nope"}""", """{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"Method not found: nope"}}"""),
            ("""{"jsonrpc":"2.0","id":4,"method":"add","params":["x",1]}""", """{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"Invalid params: expected [a, b], two numbers"}}"""),
            ("""{"jsonrpc":"2.0","id":5,"method":"fail"}""", """{"jsonrpc":"2.0","id":5,"error":{"code":-32603,"message":"Internal error: broken on purpose"}}"""),
            ("[]", """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: empty batch"}}"""),
            ("""[{"jsonrpc":"2.0","id":6,"method":"add","params":[1,2]},{"jsonrpc":"2.0","method":"add","params":[1,2]},7]""",
                """[{"jsonrpc":"2.0","id":6,"result":3},{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request"}}]"""),
            ("""{"jsonrpc":"2.0","id":"after","method":"echo","params":[1,{"a":true}]}""", """{"jsonrpc":"2.0","id":"after","result":[1,{"a":true}]}"""),
        };
        foreach (var (request, response) in exchanges)
        {
            await client.SendAsync(request + "\n", Within());
            Assert.Equal(response, await client.ReadLineAsync(Within()));
        }

        // A notification (no id) is never answered, even when it fails: the next reply is the ping's.
        await client.SendAsync("""{"jsonrpc":"2.0","method":"nope"}""" + "\n" + """{"jsonrpc":"2.0","id":9,"method":"add","params":[4,5]}""" + "\n", Within());
        Assert.Equal("""{"jsonrpc":"2.0","id":9,"result":9}""", await client.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task Content_length_framing_serves_StreamJsonRpc_header_delimited_clients()
    {
        var server = await StartServerAsync(JsonRpc + "\nakka-tcp.servers.main.json-rpc.framing = content-length");
        await using var connection = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        var stream = new NetworkStream(connection.Socket, ownsSocket: false);
        using var rpc = new StreamJsonRpc.JsonRpc(new HeaderDelimitedMessageHandler(stream, stream, new SystemTextJsonFormatter()));
        rpc.StartListening();
        var calls = Enumerable.Range(0, 100).Select(async i =>
        {
            if (i % 2 == 0)
                Assert.Equal(i % 5 * 10, await rpc.InvokeAsync<int>("sleep", i % 5 * 10));
            else
                Assert.Equal($"call {i}", await rpc.InvokeAsync<string>("echo-text", $"call {i}"));
        });
        await Task.WhenAll(calls);
    }

    [Fact]
    public async Task An_oversized_message_gets_an_error_object_and_the_broken_framing_a_close()
    {
        var server = await StartServerAsync(JsonRpc + "\nakka-tcp.servers.main.max-frame-size = 1k");
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"echo","params":[""" + "\"" + new string('x', 2000) + "\"]}\n", Within());
        var (rest, clean) = await client.ReadToEndAsync(Within());
        Assert.Equal("""{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: line too long (max-frame-size is 1024 bytes)"}}""" + "\n",
            Encoding.UTF8.GetString(rest));
        Assert.True(clean);
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"\xff\"}")]
    [InlineData("{\"jsonrpc\":\"2.\xff\",\"id\":13,\"method\":\"add\",\"params\":[1,2]}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"\xc3\",\"method\":\"add\",\"params\":[1,2]}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"add\",\"params\":{\"\xfe\":1}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"\\ud800\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[\"\\udc00x\"]}")] // a notification
    public async Task Invalid_UTF8_anywhere_is_a_parse_error_on_a_connection_that_stays_open(string message)
    {
        var server = await StartServerAsync(JsonRpc);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        // Latin-1 maps \xNN to the byte NN: the message carries exactly the bad bytes written above.
        await client.SendAsync(Encoding.Latin1.GetBytes(message + "\n"), Within());
        Assert.Equal("""{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""", await client.ReadLineAsync(Within()));
        await client.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"add","params":[2,3]}""" + "\n", Within());
        Assert.Equal("""{"jsonrpc":"2.0","id":2,"result":5}""", await client.ReadLineAsync(Within()));
    }
}

/// <summary>User methods, loaded by name from HOCON (json-rpc.methods).</summary>
public sealed class TestMethods : AkkaTcp.Protocols.JsonRpc.IJsonRpcMethodProvider
{
    public void Register(AkkaTcp.Protocols.JsonRpc.JsonRpcMethods methods)
    {
        methods.Add("reverse", p => ValueTask.FromResult<JsonNode?>(JsonValue.Create(new string(p!.Value[0].GetString()!.Reverse().ToArray()))));
        methods.Add("echo-text", p => ValueTask.FromResult<JsonNode?>(JsonValue.Create(p!.Value[0].GetString())));
        methods.Add("fail", _ => throw new InvalidOperationException("broken on purpose"));
    }
}
