using System.Buffers;
using System.Text.Json;
using AkkaTcp.Protocols;

namespace AkkaTcp.Client;

/// <summary>
/// JSON-RPC 2.0 over the server's framing (lines or Content-Length). Each request carries the
/// connection's correlation id as its "id"; replies may come in any order and are matched by it.
/// No ping: JSON-RPC defines none.
/// </summary>
public sealed class JsonRpcClientProtocol(JsonRpcFraming framing = JsonRpcFraming.Lines, JsonSerializerOptions? json = null)
    : IClientProtocol<JsonRpcCall, JsonRpcReply>
{
    public Correlation Correlation => Correlation.ById;

    public JsonRpcCall? Ping => null;

    public IClientCodec<JsonRpcCall, JsonRpcReply> CreateCodec(int maxFrameSize) => framing == JsonRpcFraming.Lines
        ? new Codec(new LineCodec((byte)'\n', maxFrameSize), null, json)
        : new Codec(new ContentLengthCodec(maxFrameSize), new ContentLengthCodec(maxFrameSize), json);

    private sealed class Codec(IFrameDecoder<ReadOnlySpan<byte>> frames, ContentLengthCodec? header, JsonSerializerOptions? json)
        : IClientCodec<JsonRpcCall, JsonRpcReply>
    {
        private readonly ArrayBufferWriter<byte> _body = new();
        private Utf8JsonWriter? _writer;

        public void Encode(JsonRpcCall request, long id, IBufferWriter<byte> output)
        {
            // Lines: written straight into the output. Content-Length: the header needs the body's
            // length first, so the body is written aside and framed after.
            IBufferWriter<byte> target = header is null ? output : _body;
            _body.ResetWrittenCount();
            if (_writer is null)
                _writer = new Utf8JsonWriter(target);
            else
                _writer.Reset(target);
            _writer.WriteStartObject();
            _writer.WriteString("jsonrpc"u8, "2.0"u8);
            _writer.WriteNumber("id"u8, id);
            _writer.WriteString("method"u8, request.Method);
            if (request.Params is not null)
            {
                _writer.WritePropertyName("params"u8);
                JsonSerializer.Serialize(_writer, request.Params, request.Params.GetType(), json);
            }
            _writer.WriteEndObject();
            _writer.Flush();
            if (header is null)
            {
                output.GetSpan(1)[0] = (byte)'\n';
                output.Advance(1);
            }
            else
            {
                header.Encode(_body.WrittenSpan, output);
            }
        }

        public DecodeStatus Decode(ReadOnlySpan<byte> input, out JsonRpcReply response, out long id, out int consumed, out ProtocolError error)
        {
            response = null!;
            id = -1;
            var status = frames.Decode(input, out var frame, out consumed, out error);
            if (status != DecodeStatus.Frame)
                return status;
            try
            {
                var reader = new Utf8JsonReader(frame);
                using var document = JsonDocument.ParseValue(ref reader);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    return Fail(out error, "reply is not a JSON object");
                if (root.TryGetProperty("id"u8, out var idElement) && idElement.ValueKind == JsonValueKind.Number)
                    idElement.TryGetInt64(out id);
                JsonRpcRemoteException? remoteError = null;
                if (root.TryGetProperty("error"u8, out var errorElement) && errorElement.ValueKind == JsonValueKind.Object)
                {
                    var code = errorElement.TryGetProperty("code"u8, out var c) && c.TryGetInt32(out var n) ? n : 0;
                    var message = errorElement.TryGetProperty("message"u8, out var m) ? m.GetString() ?? "" : "";
                    JsonElement? data = errorElement.TryGetProperty("data"u8, out var d) ? d.Clone() : null;
                    remoteError = new JsonRpcRemoteException(code, message, data);
                }
                JsonElement? result = root.TryGetProperty("result"u8, out var r) ? r.Clone() : null;
                response = new JsonRpcReply(id, result, remoteError);
                return DecodeStatus.Frame;
            }
            catch (JsonException e)
            {
                return Fail(out error, $"reply is not valid JSON: {e.Message}");
            }
        }

        private static DecodeStatus Fail(out ProtocolError error, string message)
        {
            error = new ProtocolError(CloseReason.ProtocolError, message);
            return DecodeStatus.Error;
        }
    }
}
