using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using AkkaTcp.Configuration;
using AkkaTcp.Connections;
using AkkaTcp.Protocols;
using AkkaTcp.Protocols.Resp;
using BenchmarkDotNet.Attributes;

namespace AkkaTcp.Bench;

/// <summary>
/// A connection's path for 16 pipelined frames, without the actor and socket around it: the
/// protocol session decodes them from one received chunk, its handler replies, the replies are
/// gathered in the pooled output buffer, handed over as one write and acknowledged. Allocations
/// are per 16 frames.
/// </summary>
[MemoryDiagnoser]
public class FramePathBenchmarks
{
    private const int Frames = 16;

    private byte[] _echoChunk = [];
    private byte[] _jsonRpcChunk = [];
    private byte[] _respChunk = [];
    private IProtocolSession _echo = null!;
    private IProtocolSession _jsonRpc = null!;
    private OutputBuffer _output = null!;
    private IConnectionSink _sink = null!;
    private readonly RespDecoder _respDecoder = new(64 * 1024, 1024, 512 * 1024 * 1024);
    private readonly byte[] _value = Encoding.ASCII.GetBytes(new string('v', 32));
    private readonly ReplyToken[] _reserved = new ReplyToken[Frames];
    private readonly bool[] _isSet = new bool[Frames];

    [GlobalSetup]
    public void Setup()
    {
        var info = new ConnectionInfo(1, "main", new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2));
        _output = new OutputBuffer(ackEveryWrites: 1); // the acknowledged path: no copy
        _sink = new ConnectionSink(info, ActorRefs.Nobody, new ReplyOrder(_output), new Owner(_output), AkkaTcpMetrics.Shared.ForServer("main"));
        _echo = Server("echo").OpenSession(info);
        _echo.OnConnected(_sink);
        _jsonRpc = Server("json-rpc").OpenSession(info);
        _jsonRpc.OnConnected(_sink);
        _echoChunk = Repeat(new string('e', 31) + "\n");
        _jsonRpcChunk = Repeat("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"abcdefghijklmnop\"]}\n");
        var set = $"*3\r\n$3\r\nSET\r\n$8\r\nbench:01\r\n$32\r\n{new string('v', 32)}\r\n";
        var get = "*2\r\n$3\r\nGET\r\n$8\r\nbench:01\r\n";
        _respChunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(set + get, Frames / 2)));
    }

    private static IProtocol Server(string protocol) =>
        AkkaTcpSettings.Load(ConfigurationFactory.ParseString($"akka-tcp.servers.main.protocol = {protocol}")).Servers[0].Protocol;

    private static byte[] Repeat(string line) => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, Frames)));

    [Benchmark(Description = "echo: 16 x 32 B lines, decode + reply + write + ack")]
    public int Echo()
    {
        var consumed = _echo.OnReceived(_echoChunk);
        WriteAndAck();
        return consumed;
    }

    [Benchmark(Description = "json-rpc: 16 echo calls, decode + reply + write + ack")]
    public int JsonRpc()
    {
        var consumed = _jsonRpc.OnReceived(_jsonRpcChunk);
        WriteAndAck();
        return consumed;
    }

    /// <summary>The resp codec half (the keyspace actors that answer GET/SET are left out): decode 8 SET + 8 GET, encode +OK and the bulk value.</summary>
    [Benchmark(Description = "resp: 8 SET + 8 GET, decode + encode replies + write + ack")]
    public int Resp()
    {
        ReadOnlySpan<byte> input = _respChunk;
        var frames = 0;
        while (!input.IsEmpty && _respDecoder.Decode(input, out var command, out var consumed, out _) == DecodeStatus.Frame)
        {
            RespEncoder.Instance.Encode(command.Count == 3 ? RespReply.Simple("OK"u8) : RespReply.Bulk(_value), _output);
            input = input[consumed..];
            frames++;
        }
        WriteAndAck();
        return frames;
    }

    /// <summary>
    /// The same with resp's deferred replies, as when a keyspace partition answers: each command's
    /// reply place is reserved while decoding, then all are completed in order (the partition's
    /// batch reply) and encoded into their places. The partition itself is left out.
    /// </summary>
    [Benchmark(Description = "resp deferred: 8 SET + 8 GET, decode + reserve 16 replies + complete in order + write + ack")]
    public int RespDeferred()
    {
        ReadOnlySpan<byte> input = _respChunk;
        var frames = 0;
        while (!input.IsEmpty && _respDecoder.Decode(input, out var command, out var consumed, out _) == DecodeStatus.Frame)
        {
            _reserved[frames] = _sink.ReserveReply();
            _isSet[frames] = command.Count == 3;
            input = input[consumed..];
            frames++;
        }
        for (var i = 0; i < frames; i++)
        {
            _sink.CompleteReply(_reserved[i], (Sink: _sink, Set: _isSet[i], Value: _value), static s =>
                RespEncoder.Instance.Encode(s.Set ? RespReply.Simple("OK"u8) : RespReply.Bulk(s.Value), s.Sink.Output));
        }
        WriteAndAck();
        return frames;
    }

    private void WriteAndAck()
    {
        _output.StartWrite(out _);
        _output.CompleteWrite();
    }

    /// <summary>The connection's side of the sink, without an actor: nothing is deferred here.</summary>
    private sealed class Owner(OutputBuffer output) : IConnectionSinkOwner
    {
        public int HeldOutputBytes => output.PendingBytes;

        public int ServerMaxPendingOutputBytes => int.MaxValue;

        public void OnDeferredDone(Task work, object? slot)
        {
        }
    }
}
