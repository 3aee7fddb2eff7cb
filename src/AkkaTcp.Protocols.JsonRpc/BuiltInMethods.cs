using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AkkaTcp.Protocols.JsonRpc;

/// <summary>echo, add, sleep and time: the methods every json-rpc server has.</summary>
internal sealed class BuiltInMethods : IJsonRpcMethodProvider
{
    private const int MaxSleepMilliseconds = 60_000;

    public void Register(JsonRpcMethods methods)
    {
        methods.Add("echo", p => ValueTask.FromResult(p is { } value ? JsonNode.Parse(value.GetRawText()) : null));
        methods.Add("add", Add);
        methods.Add("sleep", Sleep);
        methods.Add("time", _ => ValueTask.FromResult<JsonNode?>(JsonValue.Create(DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture))));
    }

    private static ValueTask<JsonNode?> Add(JsonElement? parameters)
    {
        if (parameters is not { ValueKind: JsonValueKind.Array } list || list.GetArrayLength() != 2
            || list[0].ValueKind != JsonValueKind.Number || list[1].ValueKind != JsonValueKind.Number)
            throw new JsonRpcException(JsonRpcException.InvalidParams, "Invalid params: expected [a, b], two numbers");
        if (list[0].TryGetInt64(out var a) && list[1].TryGetInt64(out var b))
        {
            try
            {
                return ValueTask.FromResult<JsonNode?>(JsonValue.Create(checked(a + b)));
            }
            catch (OverflowException)
            {
                // fall through to floating point
            }
        }
        return ValueTask.FromResult<JsonNode?>(JsonValue.Create(list[0].GetDouble() + list[1].GetDouble()));
    }

    /// <summary>Answers after n ms without holding a thread: the reply goes out when it is ready.</summary>
    private static async ValueTask<JsonNode?> Sleep(JsonElement? parameters)
    {
        var ms = parameters switch
        {
            { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() == 1 && list[0].TryGetInt32(out var n) => n,
            { ValueKind: JsonValueKind.Object } named when named.TryGetProperty("ms", out var n) && n.TryGetInt32(out var value) => value,
            _ => -1,
        };
        if (ms is < 0 or > MaxSleepMilliseconds)
            throw new JsonRpcException(JsonRpcException.InvalidParams, $"Invalid params: expected [ms] or {{\"ms\": n}} with 0 <= n <= {MaxSleepMilliseconds}");
        await Task.Delay(ms).ConfigureAwait(false);
        return JsonValue.Create(ms);
    }
}
