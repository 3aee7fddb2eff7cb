using System.Net;
using System.Text.Json.Nodes;
using AkkaTcp.Client;
using AkkaTcp.Host.Hosting;

namespace AkkaTcp.Host.Control;

/// <summary>
/// <c>akka-tcp ctl COMMAND [ARG] [--server NAME] [--control HOST:PORT] [--json]</c> (parsed by
/// HostCommands): one call to a running host's control endpoint (<c>akka-tcp.control</c>),
/// printed as a table or as JSON.
/// </summary>
internal static class ControlCommand
{
    /// <summary>Calls <paramref name="method"/> and prints its answer: a table, or with <paramref name="json"/> the JSON as it came.</summary>
    public static async Task<int> RunAsync(string method, Dictionary<string, object> parameters, EndPoint control, bool json)
    {
        try
        {
            await using var client = new ControlClient(control);
            var answer = await client.CallAsync(method, parameters);
            Console.WriteLine(json ? answer.ToJsonString() : ControlText.Format(method, answer));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is JsonRpcRemoteException or ConnectionFailedException or ConnectionClosedException or RequestTimeoutException)
        {
            Console.Error.WriteLine($"akka-tcp ctl: {e.Message}");
            return ExitCodes.ControlFailed;
        }
    }
}
