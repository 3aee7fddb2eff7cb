using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using AkkaTcp.Host.Control;
using AkkaTcp.Host.Hosting;
using AkkaTcp.Host.Transfers;

namespace AkkaTcp.Host.CommandLine;

/// <summary>
/// The host's command line (System.CommandLine): <c>run</c> (the default), <c>send</c>, <c>fetch</c>,
/// <c>ctl</c> and <c>top</c>, each with generated <c>--help</c>. A bad command line is one line on
/// stderr and exit code 2, like a bad configuration.
/// </summary>
internal static class HostCommands
{
    public static async Task<int> InvokeAsync(string[] args)
    {
        var root = Create();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"akka-tcp: {parsed.Errors[0].Message} (see {CommandPath(parsed.CommandResult)} --help)");
            return ExitCodes.InvalidConfiguration;
        }
        // The host handles SIGTERM and Ctrl+C itself (a graceful drain that may take drain-timeout);
        // System.CommandLine's own handler would end the process after 2 s.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>"akka-tcp ctl kick" for the kick command's result: the names from the root down.</summary>
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is not null; result = result.Parent)
        {
            if (result is CommandResult { Command: var c } && c is not RootCommand)
                names.Insert(0, c.Name);
        }
        return string.Join(' ', ["akka-tcp", .. names]);
    }

    private static RootCommand Create()
    {
        var root = new RootCommand("""
            Runs the AkkaTcp servers configured in HOCON (by default: echo on 127.0.0.1:7000).
            Exit codes: 0 stopped cleanly, 2 invalid configuration or command line, 3 a server (or the metrics or
            control endpoint) could not start, 4 connections cut at shutdown, 5 forced by a second signal,
            6 send/fetch failed, 7 ctl/top could not reach the control endpoint or it refused.
            """);
        AddRunOptions(root);
        var run = new Command("run", "Runs the servers (what akka-tcp does without a command)");
        AddRunOptions(run);
        root.Subcommands.Add(run);
        root.Subcommands.Add(Send());
        root.Subcommands.Add(Fetch());
        root.Subcommands.Add(Ctl());
        root.Subcommands.Add(Top());
        return root;
    }

    private static void AddRunOptions(Command command)
    {
        var config = new Option<string>("--config") { Description = "HOCON file to run instead of the built-in hocon/server.hocon", HelpName = "FILE" };
        var port = new Option<string>("--port") { Description = "port of the server 'main' (0 = any free port)", HelpName = "N" };
        var host = new Option<string>("--host") { Description = "address of the server 'main' (IP literal or localhost)", HelpName = "ADDR" };
        var protocol = new Option<string>("--protocol") { Description = "protocol of the server 'main' (echo, random, resp, json-rpc, file, or one in akka-tcp.protocols)", HelpName = "NAME" };
        var set = new Option<string[]>("--set")
        {
            Description = "override one HOCON key, e.g. --set akka-tcp.servers.main.max-frame-size=1024 (repeatable; applied after --config)",
            HelpName = "KEY=VALUE",
            AllowMultipleArgumentsPerToken = false,
        };
        set.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.IndexOf('=') <= 0)
                    result.AddError($"--set {token.Value}: expected KEY=VALUE");
            }
        });
        command.Options.Add(config);
        command.Options.Add(port);
        command.Options.Add(host);
        command.Options.Add(protocol);
        command.Options.Add(set);
        command.SetAction(parsed => HostRunner.RunAsync(new HostCommandLine
        {
            ConfigFile = parsed.GetValue(config),
            Port = parsed.GetValue(port),
            Host = parsed.GetValue(host),
            Protocol = parsed.GetValue(protocol),
            Sets = parsed.GetValue(set) ?? [],
        }));
    }

    private static Command Send()
    {
        var file = new Argument<string>("FILE") { Description = "the file to upload" };
        var name = new Option<string>("--name") { Description = "name to store it under (default: its file name)", HelpName = "NAME" };
        var target = TargetOption("--target", "the file server", 7000);
        var tls = new TransferTlsOptions();
        var send = new Command("send", "Uploads FILE to a file server (akka-tcp --protocol file); sizes and sha256 are checked at both ends") { file, name, target };
        tls.AddTo(send);
        send.SetAction(parsed => FileTransferCommand.SendAsync(parsed.GetValue(file)!, parsed.GetValue(name), parsed.GetValue(target)!, tls.Read(parsed)));
        return send;
    }

    private static Command Fetch()
    {
        var name = new Argument<string>("NAME") { Description = "the file to download" };
        var path = new Argument<string?>("PATH") { Description = "where to write it (default: NAME); written only when complete", Arity = ArgumentArity.ZeroOrOne };
        var target = TargetOption("--target", "the file server", 7000);
        var tls = new TransferTlsOptions();
        var fetch = new Command("fetch", "Downloads NAME from a file server; sizes and sha256 are checked at both ends") { name, path, target };
        tls.AddTo(fetch);
        fetch.SetAction(parsed => FileTransferCommand.FetchAsync(parsed.GetValue(name)!, parsed.GetValue(path), parsed.GetValue(target)!, tls.Read(parsed)));
        return fetch;
    }

    private static Command Ctl()
    {
        var server = new Option<string>("--server") { Description = "only this server (default: every server)", HelpName = "NAME", Recursive = true };
        var control = TargetOption("--control", "the control endpoint", 7070);
        control.Recursive = true;
        var json = new Option<bool>("--json") { Description = "print the endpoint's JSON answer as it is", Recursive = true };
        var ctl = new Command("ctl", "Talks to a running host's control endpoint (start it with --set akka-tcp.control.enabled=on)") { server, control, json };

        Command Simple(string name, string description)
        {
            var command = new Command(name, description);
            command.SetAction(parsed => ControlCommand.RunAsync(name, Parameters(parsed.GetValue(server)), parsed.GetValue(control)!, parsed.GetValue(json)));
            return command;
        }

        ctl.Subcommands.Add(Simple("stats", "each server's connections, traffic and closes by reason"));
        ctl.Subcommands.Add(Simple("connections", "every connection: id, address, age, bytes, pending output, state"));
        ctl.Subcommands.Add(Simple("suspend", "turn new clients away (busy reply); served connections go on"));
        ctl.Subcommands.Add(Simple("resume", "take new clients again"));
        ctl.Subcommands.Add(Simple("reload", "reload the configuration, as SIGHUP does, and print what changed"));
        ctl.Subcommands.Add(Simple("cluster", "the cluster's members as this host sees them: address, status, reachable, leader"));

        var who = new Argument<string>("ID|ADDRESS") { Description = "a connection id, or an IP address whose every connection goes" };
        who.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!long.TryParse(value, out _) && !IPAddress.TryParse(value, out _))
                result.AddError($"kick takes a connection id or an IP address, not '{value}'");
        });
        var kick = new Command("kick", "close one connection, or every one from an IP address, gracefully (reason kicked)") { who };
        kick.SetAction(parsed =>
        {
            var target = parsed.GetValue(who)!;
            var parameters = Parameters(parsed.GetValue(server));
            if (long.TryParse(target, out var id))
                parameters["id"] = id;
            else
                parameters["address"] = target;
            return ControlCommand.RunAsync("kick", parameters, parsed.GetValue(control)!, parsed.GetValue(json));
        });
        ctl.Subcommands.Add(kick);

        var drained = new Argument<string>("NAME") { Description = "the server to stop" };
        var drain = new Command("drain", "stop one server gracefully: stop accepting, drain, close its port") { drained };
        drain.SetAction(parsed => ControlCommand.RunAsync("drain", Parameters(parsed.GetValue(drained)), parsed.GetValue(control)!, parsed.GetValue(json)));
        ctl.Subcommands.Add(drain);
        return ctl;
    }

    private static Command Top()
    {
        var control = TargetOption("--control", "the control endpoint", 7070);
        var count = new Option<int?>("--count") { Description = "stop after N frames (default: until Ctrl+C)", HelpName = "N" };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0)
                result.AddError("--count must be a positive number");
        });
        var top = new Command("top", "A live view of a running host through its control endpoint, refreshed every second") { control, count };
        top.SetAction(parsed => TopCommand.RunAsync(parsed.GetValue(control)!, parsed.GetValue(count)));
        return top;
    }

    private static Dictionary<string, object> Parameters(string? server) =>
        server is null ? new() : new() { ["server"] = server };

    /// <summary>A HOST:PORT option with an IP address, defaulting to 127.0.0.1:<paramref name="defaultPort"/>.</summary>
    private static Option<IPEndPoint> TargetOption(string name, string what, int defaultPort) => new(name)
    {
        Description = what,
        HelpName = "HOST:PORT",
        DefaultValueFactory = _ => new IPEndPoint(IPAddress.Loopback, defaultPort),
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port != 0)
                return endPoint;
            result.AddError($"{name} {text}: expected HOST:PORT with an IP address, e.g. 127.0.0.1:{defaultPort}");
            return null;
        },
    };
}
