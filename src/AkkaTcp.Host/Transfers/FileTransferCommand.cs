using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AkkaTcp.Client;
using AkkaTcp.Host.CommandLine;
using AkkaTcp.Host.Hosting;

namespace AkkaTcp.Host.Transfers;

/// <summary>
/// The host's client verbs for a file server (<c>--protocol file</c>):
/// <c>akka-tcp send FILE [--name NAME] [--target HOST:PORT]</c> and
/// <c>akka-tcp fetch NAME [PATH] [--target HOST:PORT]</c>, with a progress bar.
/// </summary>
internal static class FileTransferCommand
{
    public const string Usage = """
        Usage: akka-tcp send FILE [--name NAME] [--target HOST:PORT]
               akka-tcp fetch NAME [PATH] [--target HOST:PORT]

        Uploads FILE to (or downloads NAME from) a file server: akka-tcp --protocol file.
        Sizes and sha256 are checked at both ends; a download lands in PATH (default: NAME) only when complete.
          --name NAME          name to store FILE under (default: FILE's file name)
          --target HOST:PORT   the file server (default 127.0.0.1:7000)

        Exit codes: 0 done, 2 bad command line, 6 refused or failed (the reason is printed).
        """;

    public static bool Handles(string[] args) => args is ["send" or "fetch", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        string verb, subject;
        string? second, name = null;
        EndPoint target;
        try
        {
            (verb, subject, second, name, target) = Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"akka-tcp: {e.Message}\n{Usage}");
            return ExitCodes.InvalidConfiguration;
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var client = await FileClient.ConnectAsync(target);
            if (verb == "send")
            {
                var file = new FileInfo(subject);
                if (!file.Exists)
                    throw new FileTransferException($"{subject}: no such file");
                var bar = new ProgressBar($"send {name ?? file.Name}", file.Length);
                var sha = await client.UploadAsync(file.FullName, name ?? file.Name, bar);
                bar.Finish();
                Console.WriteLine(Summary($"sent {name ?? file.Name}", file.Length, sha, started));
            }
            else
            {
                var path = second ?? subject;
                ProgressBar? bar = null;
                var sha = await client.DownloadAsync(subject, path, new Progress(received =>
                {
                    bar ??= new ProgressBar($"fetch {subject}", received.Total);
                    bar.Report(received.Received);
                }));
                bar?.Finish();
                Console.WriteLine(Summary($"fetched {subject} to {path}", new FileInfo(path).Length, sha, started));
            }
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is FileTransferException or SocketException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"akka-tcp: {verb} failed: {e.Message}");
            return ExitCodes.TransferFailed;
        }
    }

    private static (string Verb, string Subject, string? Second, string? Name, EndPoint Target) Parse(string[] args)
    {
        var verb = args[0];
        var positional = new List<string>();
        string? name = null;
        EndPoint target = new IPEndPoint(IPAddress.Loopback, 7000);
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--name" when verb == "send":
                    name = Value();
                    break;
                case "--target":
                    target = EndPointOption.Parse("--target", Value());
                    break;
                case var option when option.StartsWith('-'):
                    throw new UsageException($"unknown option {option} for {verb}");
                default:
                    positional.Add(args[i]);
                    break;
            }
        }
        var most = verb == "send" ? 1 : 2;
        if (positional.Count < 1 || positional.Count > most)
            throw new UsageException(verb == "send" ? "send takes one FILE" : "fetch takes NAME and an optional PATH");
        return (verb, positional[0], positional.Count > 1 ? positional[1] : null, name, target);
    }

    private static string Summary(string what, long bytes, string sha256, long startedAt)
    {
        var seconds = Stopwatch.GetElapsedTime(startedAt).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"{what}: {bytes} bytes, sha256 {sha256}, {seconds:0.00} s ({ProgressBar.Mib(bytes) / Math.Max(seconds, 0.001):0} MiB/s)");
    }

    /// <summary>Reports on the transferring thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Progress(Action<(long Received, long Total)> report) : IProgress<(long Received, long Total)>
    {
        public void Report((long Received, long Total) value) => report(value);
    }
}
