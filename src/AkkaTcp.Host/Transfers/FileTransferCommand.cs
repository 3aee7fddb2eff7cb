using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AkkaTcp.Client;
using AkkaTcp.Host.Hosting;

namespace AkkaTcp.Host.Transfers;

/// <summary>
/// The host's client verbs for a file server (<c>--protocol file</c>):
/// <c>akka-tcp send FILE [--name NAME] [--target HOST:PORT]</c> and
/// <c>akka-tcp fetch NAME [PATH] [--target HOST:PORT]</c>, with a progress bar on a terminal,
/// over TLS with <c>--tls</c> (see <see cref="CommandLine.TransferTlsOptions"/>).
/// </summary>
internal static class FileTransferCommand
{
    public static Task<int> SendAsync(string path, string? name, EndPoint target, ClientTlsSettings tls) =>
        RunAsync("send", target, tls, async (client, started) =>
        {
            var file = new FileInfo(path);
            if (!file.Exists)
                throw new FileTransferException($"{path}: no such file");
            var stored = name ?? file.Name;
            var sha = await TransferProgress.RunAsync($"send {stored}", file.Length, progress => client.UploadAsync(file.FullName, stored, progress));
            return Summary($"sent {stored}", file.Length, sha, started);
        });

    public static Task<int> FetchAsync(string name, string? path, EndPoint target, ClientTlsSettings tls) =>
        RunAsync("fetch", target, tls, async (client, started) =>
        {
            var destination = path ?? name;
            var sha = await TransferProgress.RunAsync($"fetch {name}", total: null,
                progress => client.DownloadAsync(name, destination, new Progress(received => progress.Report(received.Received, received.Total))));
            return Summary($"fetched {name} to {destination}", new FileInfo(destination).Length, sha, started);
        });

    private static async Task<int> RunAsync(string verb, EndPoint target, ClientTlsSettings tls, Func<FileClient, long, Task<string>> transfer)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var client = await FileClient.ConnectAsync(target, tls, CancellationToken.None);
            Console.WriteLine(await transfer(client, started));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is FileTransferException or SocketException or IOException or UnauthorizedAccessException
            or ConnectionFailedException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine($"akka-tcp: {verb} failed: {e.Message}");
            return ExitCodes.TransferFailed;
        }
    }

    private static string Summary(string what, long bytes, string sha256, long startedAt)
    {
        var seconds = Stopwatch.GetElapsedTime(startedAt).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"{what}: {bytes} bytes, sha256 {sha256}, {seconds:0.00} s ({TransferProgress.Mib(bytes) / Math.Max(seconds, 0.001):0} MiB/s)");
    }

    /// <summary>Reports on the transferring thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Progress(Action<(long Received, long Total)> report) : IProgress<(long Received, long Total)>
    {
        public void Report((long Received, long Total) value) => report(value);
    }
}
