using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AkkaTcp.Client;
using AkkaTcp.Host.Hosting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AkkaTcp.Host.Control;

/// <summary>
/// <c>akka-tcp top</c>: a live dashboard of a running host (through its control endpoint), one
/// frame a second: each server's connections, accepts/s, refusals, requests/s, bytes/s and close
/// reasons, and the heaviest connections. On a terminal it redraws in place (Spectre.Console);
/// when its output is not a terminal it prints plain-text frames one after another.
/// </summary>
internal static class TopCommand
{
    private const int Heaviest = 5;

    public static async Task<int> RunAsync(EndPoint control, int? count)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        try
        {
            await using var client = new ControlClient(control);
            var frames = Frames(client, count, stop.Token);
            if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            {
                await foreach (var frame in frames)
                    Console.WriteLine(frame.Text + "\n");
            }
            else
            {
                await AnsiConsole.Live(new Text("connecting...")).StartAsync(async live =>
                {
                    await foreach (var frame in frames)
                        live.UpdateTarget(frame.Render());
                });
            }
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is ConnectionFailedException or ConnectionClosedException or RequestTimeoutException)
        {
            Console.Error.WriteLine($"akka-tcp top: {e.Message}");
            return ExitCodes.ControlFailed;
        }
    }

    private static async IAsyncEnumerable<TopFrame> Frames(ControlClient client, int? count, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        JsonArray? previous = null;
        var previousAt = DateTime.UtcNow;
        for (var frame = 0; count is null || frame < count; frame++)
        {
            if (frame > 0)
                await Task.Delay(TimeSpan.FromSeconds(1), cancel);
            var stats = (await client.CallAsync("stats")).AsArray();
            var connections = (await client.CallAsync("connections")).AsArray();
            var now = DateTime.UtcNow;
            yield return new TopFrame(now, stats, previous, (now - previousAt).TotalSeconds, connections);
            (previous, previousAt) = (stats, now);
        }
    }

    /// <summary>One refresh: the servers with their rates since the previous one, and the heaviest connections.</summary>
    private sealed record TopFrame(DateTime At, JsonArray Stats, JsonArray? Previous, double Seconds, JsonArray Connections)
    {
        private static readonly string[] ServerColumns = ["server", "conns", "max", "queued", "accepts/s", "refused", "req/s", "in B/s", "out B/s", "state", "closes"];
        private static readonly string[] ConnectionColumns = ["id", "server", "remote", "age s", "bytes in", "bytes out", "pending", "state"];

        private IEnumerable<string[]> ServerRows() => Stats.Select(s => new[]
        {
            (string)s!["server"]!, ControlText.Plain(s["active"]), ControlText.Plain(s["maxConnections"]), ControlText.Plain(s["queued"]),
            Rate(s, "accepted"), ControlText.Plain(s["refused"]), Rate(s, "framesReceived"), Rate(s, "bytesReceived"), Rate(s, "bytesSent"),
            (bool)s["suspended"]! ? "suspended" : "accepting",
            string.Join(", ", s["closedByReason"]!.AsObject().Select(r => $"{r.Key} {r.Value}")),
        });

        private IEnumerable<string[]> ConnectionRows() => Connections
            .OrderByDescending(c => (long)c!["bytesReceived"]! + (long)c["bytesSent"]!)
            .Take(Heaviest)
            .Select(c => new[]
            {
                ControlText.Plain(c!["id"]), (string)c["server"]!, (string)c["remote"]!, ControlText.Plain(c["ageSeconds"]),
                ControlText.Plain(c["bytesReceived"]), ControlText.Plain(c["bytesSent"]), ControlText.Plain(c["pendingWriteBytes"]), (string)c["state"]!,
            });

        private string Rate(JsonNode server, string counter)
        {
            var before = Previous?.FirstOrDefault(p => (string)p!["server"]! == (string)server["server"]!);
            if (before is null || Seconds <= 0)
                return "-";
            var perSecond = ((long)server[counter]! - (long)before[counter]!) / Seconds;
            return Math.Max(0, perSecond).ToString("0", CultureInfo.InvariantCulture);
        }

        private string Title => $"akka-tcp top  {At:HH:mm:ss}  {Connections.Count} connections";

        public string Text => $"{Title}\n{ControlText.Table(ServerColumns, ServerRows())}\nheaviest connections:\n" +
            (Connections.Count == 0 ? "none" : ControlText.Table(ConnectionColumns, ConnectionRows()));

        public IRenderable Render() => new Rows(
            new Markup($"[bold]{Markup.Escape(Title)}[/]"),
            Table(ServerColumns, ServerRows()),
            new Markup("[bold]heaviest connections[/]"),
            Table(ConnectionColumns, ConnectionRows()));

        private static Table Table(string[] columns, IEnumerable<string[]> rows)
        {
            var table = new Table().Border(TableBorder.Simple);
            foreach (var column in columns)
                table.AddColumn(column);
            foreach (var row in rows)
                table.AddRow(row.Select(Markup.Escape).ToArray());
            return table;
        }
    }
}
