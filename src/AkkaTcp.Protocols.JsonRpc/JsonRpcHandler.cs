using System.Diagnostics;
using System.Text.Unicode;
using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AkkaTcp.Protocols.JsonRpc;

/// <summary>
/// One json-rpc connection: parses each line, runs the named method, and writes the response.
/// Synchronous results are answered at once; asynchronous ones when they complete (by id). A bad
/// message gets its error object and the connection carries on.
/// </summary>
internal sealed class JsonRpcHandler(JsonRpcMethods methods, ProtocolMetrics metrics) : IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
{
    public void OnFrame(ReadOnlySpan<byte> line, IConnectionContext<ReadOnlySpan<byte>> connection)
    {
        if (line.Trim(" \t\r"u8).IsEmpty)
            return;
        JsonDocument document;
        try
        {
            // JsonDocument checks strings' bytes only when they are read: invalid UTF-8 (raw, or
            // as an unpaired \ud800 escape) anywhere in the message is a parse error up front.
            if (!Utf8.IsValid(line))
                throw new JsonException("invalid UTF-8");
            document = JsonDocument.Parse(line.ToArray());
            if (line.IndexOf("\\u"u8) >= 0)
                CheckEscapedText(document.RootElement);
        }
        catch (JsonException)
        {
            connection.Reply(Error(null, JsonRpcException.ParseError, "Parse error"));
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                Answer(Call(root), connection);
                return;
            }
            if (root.GetArrayLength() == 0)
            {
                connection.Reply(Error(null, JsonRpcException.InvalidRequest, "Invalid Request: empty batch"));
                return;
            }
            var calls = new List<ValueTask<byte[]?>>();
            foreach (var request in root.EnumerateArray())
                calls.Add(Call(request));
            Answer(Batch(calls), connection);
        }
    }

    /// <summary>Reads every string and member name once, so an escape that makes no valid text throws here (as a JsonException).</summary>
    private static void CheckEscapedText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                        CheckEscapedText(item);
                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        CheckEscapedText(property.Value);
                    }
                    break;
            }
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public void OnProtocolError(ProtocolError error, IConnectionContext<ReadOnlySpan<byte>> connection) =>
        connection.Reply(Error(null, JsonRpcException.InvalidRequest, "Invalid Request: " + error.Message));

    private static void Answer(ValueTask<byte[]?> response, IConnectionContext<ReadOnlySpan<byte>> connection)
    {
        if (response.IsCompletedSuccessfully)
        {
            if (response.Result is { } bytes)
                connection.Reply(bytes);
            return;
        }
        connection.ReplyWhenDone(response.AsTask(), (bytes, c) =>
        {
            if (bytes is not null)
                c.Reply(bytes);
        });
    }

    /// <summary>One request: its response, or null for a notification (which is never answered).</summary>
    private ValueTask<byte[]?> Call(JsonElement request)
    {
        if (request.ValueKind != JsonValueKind.Object)
            return ValueTask.FromResult<byte[]?>(Error(null, JsonRpcException.InvalidRequest, "Invalid Request"));
        var hasId = request.TryGetProperty("id", out var idElement);
        string? id = null;
        if (hasId)
        {
            if (idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
                return ValueTask.FromResult<byte[]?>(Error(null, JsonRpcException.InvalidRequest, "Invalid Request: id must be a string, a number or null"));
            id = idElement.GetRawText();
        }
        if (!request.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0"
            || !request.TryGetProperty("method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String)
            return ValueTask.FromResult<byte[]?>(Error(id, JsonRpcException.InvalidRequest, "Invalid Request"));
        JsonElement? parameters = null;
        if (request.TryGetProperty("params", out var paramsElement))
        {
            if (paramsElement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
                return ValueTask.FromResult<byte[]?>(Error(id, JsonRpcException.InvalidRequest, "Invalid Request: params must be an array or an object"));
            parameters = paramsElement.Clone(); // outlives the document if the method is asynchronous
        }
        var name = methodElement.GetString()!;
        if (!methods.TryGet(name, out var method))
            return ValueTask.FromResult<byte[]?>(hasId ? Error(id, JsonRpcException.MethodNotFound, $"Method not found: {name}") : null);
        return Invoke(name, method, parameters, hasId ? id : null, hasId);
    }

    /// <summary>Runs a method; its duration (to its result, not its write) is recorded under its name, a bounded set: only registered methods run.</summary>
    private async ValueTask<byte[]?> Invoke(string name, JsonRpcMethod method, JsonElement? parameters, string? id, bool answer)
    {
        var started = metrics.RequestsEnabled ? Stopwatch.GetTimestamp() : 0;
        byte[] response;
        try
        {
            var result = await method(parameters).ConfigureAwait(false);
            response = Result(id, result);
        }
        catch (JsonRpcException e)
        {
            response = Error(id, e.Code, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            response = Error(id, JsonRpcException.InternalError, "Internal error: " + e.Message);
        }
        if (started != 0)
            metrics.RecordRequest(name, started);
        return answer ? response : null;
    }

    private static async ValueTask<byte[]?> Batch(List<ValueTask<byte[]?>> calls)
    {
        var responses = new List<byte[]>();
        foreach (var call in calls)
        {
            if (await call.ConfigureAwait(false) is { } response)
                responses.Add(response);
        }
        if (responses.Count == 0)
            return null; // a batch of notifications gets no reply at all
        var output = new ArrayBufferWriter<byte>();
        output.Write("["u8);
        for (var i = 0; i < responses.Count; i++)
        {
            if (i > 0)
                output.Write(","u8);
            output.Write(responses[i]);
        }
        output.Write("]"u8);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Result(string? id, JsonNode? result) => Write(id, writer =>
    {
        writer.WritePropertyName("result");
        if (result is null)
            writer.WriteNullValue();
        else
            result.WriteTo(writer);
    });

    private static byte[] Error(string? id, int code, string message) => Write(id, writer =>
    {
        writer.WriteStartObject("error");
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        writer.WriteEndObject();
    });

    private static byte[] Write(string? id, Action<Utf8JsonWriter> body)
    {
        var output = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WritePropertyName("id");
            if (id is null)
                writer.WriteNullValue();
            else
                writer.WriteRawValue(id, skipInputValidation: true);
            body(writer);
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }
}
