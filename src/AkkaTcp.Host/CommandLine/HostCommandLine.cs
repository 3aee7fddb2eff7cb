namespace AkkaTcp.Host.CommandLine;

/// <summary>The console host's command line, parsed. Unknown or incomplete options are usage errors.</summary>
public sealed record HostCommandLine
{
    public const string Usage = """
        Usage: akka-tcp [options]
               akka-tcp send FILE [--name NAME] [--target HOST:PORT]     (client of a file server)
               akka-tcp fetch NAME [PATH] [--target HOST:PORT]

        Runs the AkkaTcp servers configured in HOCON (by default: echo on 127.0.0.1:7000).

        Options:
          --config FILE      HOCON file to run instead of the built-in hocon/server.hocon
          --port N           port of the server 'main' (0 = any free port)
          --host ADDR        address of the server 'main' (IP literal or localhost)
          --protocol NAME    protocol of the server 'main' (echo, random, or one named in akka-tcp.protocols)
          --set KEY=VALUE    override one HOCON key, e.g. --set akka-tcp.servers.main.max-frame-size=1024
                             (repeatable; applied after --config)
          --help             show this text

        Exit codes: 0 stopped cleanly, 2 invalid configuration or command line, 3 a server could not start,
        4 connections cut at shutdown, 5 forced by a second signal, 6 send/fetch failed.
        """;

    public string? ConfigFile { get; init; }
    public string? Port { get; init; }
    public string? Host { get; init; }
    public string? Protocol { get; init; }
    public IReadOnlyList<string> Sets { get; init; } = [];
    public bool ShowHelp { get; init; }

    /// <summary>Parses the arguments; throws <see cref="UsageException"/> with a one-line message on a bad one.</summary>
    public static HostCommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new HostCommandLine();
        var sets = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            var equals = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inlineValue = arg[(equals + 1)..];
                arg = arg[..equals];
            }
            string Value() => inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{arg} needs a value"));

            result = arg switch
            {
                "--help" or "-h" or "-?" => result with { ShowHelp = true },
                "--config" => result with { ConfigFile = Value() },
                "--port" => result with { Port = Value() },
                "--host" => result with { Host = Value() },
                "--protocol" => result with { Protocol = Value() },
                "--set" => AddSet(result, sets, Value()),
                _ => throw new UsageException($"unknown option {args[i]} (see --help)"),
            };
        }
        return result with { Sets = sets };
    }

    private static HostCommandLine AddSet(HostCommandLine result, List<string> sets, string assignment)
    {
        var equals = assignment.IndexOf('=');
        if (equals <= 0)
            throw new UsageException($"--set {assignment}: expected KEY=VALUE");
        sets.Add(assignment);
        return result;
    }
}

/// <summary>A bad command line; the message is one line fit to print.</summary>
public sealed class UsageException(string message) : Exception(message);
