using System.Globalization;
using System.Net.Http;

namespace AkkaTcp.Tests.Support;

/// <summary>One scrape of a Prometheus endpoint, as Prometheus reads it: sample name with labels → value.</summary>
public sealed class PrometheusScrape
{
    private readonly Dictionary<string, double> _samples = new(StringComparer.Ordinal);

    private PrometheusScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var space = line.LastIndexOf(' ');
            _samples[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
    }

    public string Text { get; }

    public static async Task<PrometheusScrape> GetAsync(int port, CancellationToken cancel)
    {
        using var http = new HttpClient();
        return new PrometheusScrape(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", cancel));
    }

    /// <summary>
    /// Scrapes every 100 ms until <paramref name="condition"/> holds of a scrape, and returns that
    /// one (the exporter caches a scrape for 300 ms, and a close is counted when its actor has stopped).
    /// </summary>
    public static async Task<PrometheusScrape> WaitForAsync(int port, Func<PrometheusScrape, bool> condition, CancellationToken cancel)
    {
        while (true)
        {
            var scrape = await GetAsync(port, cancel);
            if (condition(scrape))
                return scrape;
            await Task.Delay(100, cancel);
        }
    }

    /// <summary>The host arguments that turn the endpoint on at <paramref name="port"/>.</summary>
    public static string[] HostArguments(int port) =>
        ["--set", "akka-tcp.metrics.prometheus.enabled=on", "--set", $"akka-tcp.metrics.prometheus.port={port}"];

    /// <summary>The value of the sample whose name starts with <paramref name="name"/> and whose labels include every one of <paramref name="labels"/> (e.g. <c>reason="refused"</c>).</summary>
    public double? Value(string name, params string[] labels)
    {
        foreach (var (sample, value) in _samples)
        {
            if (sample.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => sample.Contains(label, StringComparison.Ordinal)))
                return value;
        }
        return null;
    }
}
