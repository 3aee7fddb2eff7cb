using AkkaTcp.Configuration;

namespace AkkaTcp.Protocols.JsonRpc;

/// <summary>
/// JSON-RPC 2.0, one JSON message per line (json-rpc.framing = lines) or per Content-Length header
/// block (content-length): requests, notifications, batches and the standard error codes. Methods
/// may answer asynchronously; replies then go out in completion order, matched by id, so one
/// connection carries many calls at once.
/// </summary>
public sealed class JsonRpcProtocol : FramedProtocol<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
{
    private readonly JsonRpcMethods _methods = new();
    private readonly ProtocolMetrics _metrics;

    /// <summary>The methods this server answers: add your own in code before the server starts (the host's control endpoint does).</summary>
    public JsonRpcMethods Methods => _methods;
    private readonly IFrameDecoder<ReadOnlySpan<byte>> _decoder;
    private readonly IFrameEncoder<ReadOnlySpan<byte>> _encoder;

    public JsonRpcProtocol(ProtocolContext context)
    {
        _metrics = context.Metrics;
        var section = context.Config.Section("json-rpc");
        if (section.OneOf("framing", "lines", "content-length") == "lines")
        {
            var lines = LineCodecSettings.CreateCodec(context);
            (_decoder, _encoder) = (lines, lines);
        }
        else
        {
            var headers = new ContentLengthCodec(context.MaxFrameSize);
            (_decoder, _encoder) = (headers, headers);
        }
        new BuiltInMethods().Register(_methods);
        foreach (var provider in section.Instances<IJsonRpcMethodProvider>("methods"))
            provider.Register(_methods);
    }

    // Both codecs are stateless, so every connection shares one.
    protected override IFrameDecoder<ReadOnlySpan<byte>> CreateDecoder() => _decoder;

    protected override IFrameEncoder<ReadOnlySpan<byte>> CreateEncoder() => _encoder;

    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) =>
        new JsonRpcHandler(_methods, _metrics);
}
