using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaTcp.Client;
using AkkaTcp.Host.CommandLine;
using AkkaTcp.Host.Hosting;
using AkkaTcp.Protocols.JsonRpc;

namespace AkkaTcp.Host.Control;

/// <summary>
/// <c>akka-tcp ctl COMMAND [ARG] [--server NAME] [--control HOST:PORT] [--json]</c>: one call to a
/// running host's control endpoint (<c>akka-tcp.control</c>), printed as a table or as JSON.
/// </summary>
internal static class ControlCommand
{
    public const string Usage = """
        Usage: akka-tcp ctl COMMAND [ARG] [--server NAME] [--control HOST:PORT] [--json]

        Talks to a running host's control endpoint (start it with --set akka-tcp.control.enabled=on).
          stats                    each server's connections, traffic and closes by reason
          connections              every connection: id, address, age, bytes, pending output, state
          kick ID|ADDRESS          close one connection, or every one from an IP address (gracefully)
          suspend | resume         turn new clients away / take them again (every server, or --server)
          drain NAME               stop one server gracefully: stop accepting, drain, close its port
          reload                   reload the configuration (like SIGHUP) and print what changed
          --control HOST:PORT      the control endpoint (default 127.0.0.1:7070)
          --json                   print the endpoint's JSON answer as it is

        Exit codes: 0 done, 2 bad command line, 7 the endpoint is unreachable or refused the command.
        """;

    public static readonly EndPoint DefaultEndPoint = new IPEndPoint(IPAddress.Loopback, 7070);

    public static bool Handles(string[] args) => args is ["ctl", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        Request request;
        try
        {
            request = Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"akka-tcp: {e.Message}\n{Usage}");
            return ExitCodes.InvalidConfiguration;
        }
        try
        {
            await using var client = new ControlClient(request.Control);
            var answer = await client.CallAsync(request.Method, request.Parameters);
            Console.WriteLine(request.Json ? answer.ToJsonString() : ControlText.Format(request.Method, answer));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is JsonRpcRemoteException or ConnectionFailedException or ConnectionClosedException or RequestTimeoutException)
        {
            Console.Error.WriteLine($"akka-tcp ctl: {e.Message}");
            return ExitCodes.ControlFailed;
        }
    }

    private sealed record Request(string Method, Dictionary<string, object> Parameters, EndPoint Control, bool Json);

    private static Request Parse(string[] args)
    {
        var positional = new List<string>();
        var parameters = new Dictionary<string, object>();
        var control = DefaultEndPoint;
        var json = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--server":
                    parameters["server"] = Value(args, ref i);
                    break;
                case "--control":
                    control = EndPointOption.Parse("--control", Value(args, ref i));
                    break;
                case "--json":
                    json = true;
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    throw new UsageException($"unknown option {option}");
                default:
                    positional.Add(args[i]);
                    break;
            }
        }
        var method = positional.FirstOrDefault() ?? throw new UsageException("ctl needs a command");
        switch (method, positional.Count)
        {
            case ("stats" or "connections" or "suspend" or "resume" or "reload", 1):
                break;
            case ("kick", 2):
                if (long.TryParse(positional[1], out var id))
                    parameters["id"] = id;
                else if (IPAddress.TryParse(positional[1], out _))
                    parameters["address"] = positional[1];
                else
                    throw new UsageException($"kick takes a connection id or an IP address, not '{positional[1]}'");
                break;
            case ("drain", 2):
                parameters["server"] = positional[1];
                break;
            default:
                throw new UsageException($"unknown command or wrong arguments: {string.Join(' ', positional)}");
        }
        return new Request(method, parameters, control, json);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new UsageException($"{args[i - 1]} needs a value");
}
