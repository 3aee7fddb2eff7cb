using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace AkkaTcp.Configuration;

/// <summary>
/// Refuses keys under <c>akka-tcp</c> that nothing reads (a misspelt <c>max-conections</c> would
/// otherwise be ignored while the default applies). A key is known when the reference
/// configuration has it (a server block's keys are those of <c>server-defaults</c>) or when a
/// server or its protocol read it (a third-party protocol's own keys). Blocks whose keys belong to
/// others are not checked: protocol names, dispatchers (Akka's keys), the client's and the console host's blocks (host, metrics, control, cluster).
/// </summary>
internal static class UnknownKeys
{
    private const string Root = "akka-tcp";
    private const string ServerDefaults = "akka-tcp.server-defaults.";
    private const string Servers = "akka-tcp.servers.";

    /// <summary>
    /// Throws <see cref="InvalidConfigException"/> for the first unknown key of <paramref name="full"/>,
    /// with the closest known one suggested; <paramref name="reference"/> is what it was merged over.
    /// </summary>
    public static void Check(Config full, Config reference, IReadOnlySet<string> read, string dispatcherPath)
    {
        var serverKeys = Leaves(reference.GetValue("akka-tcp.server-defaults"), "").Select(l => l.Key).ToHashSet();
        var topKeys = Leaves(reference.GetValue(Root), Root).Select(l => l.Key).ToHashSet();
        string[] foreign = [Root + ".protocols.", Root + ".client.", Root + ".host.", Root + ".metrics.", Root + ".control.", Root + ".cluster.", Root + ".connection-dispatcher.", dispatcherPath + "."];
        foreach (var (key, value) in Leaves(full.GetValue(Root), Root))
        {
            if (topKeys.Contains(key) || read.Contains(key) || foreign.Any(key.StartsWith))
                continue;
            var serverKey = ServerKey(key);
            if (serverKey is not null && (serverKeys.Contains(serverKey) || ReadByAnyServer(read, serverKey)))
                continue;
            var candidates = serverKey is not null ? serverKeys : topKeys.Select(k => k[(Root.Length + 1)..]);
            var typed = serverKey ?? key[(Root.Length + 1)..];
            var closest = Closest(typed, candidates);
            throw new InvalidConfigException(key, value, closest is null ? "unknown key" : $"unknown key (did you mean {closest}?)");
        }
    }

    /// <summary>The key within a server block (servers.NAME.KEY or server-defaults.KEY), or null for other keys.</summary>
    private static string? ServerKey(string key)
    {
        if (key.StartsWith(ServerDefaults, StringComparison.Ordinal))
            return key[ServerDefaults.Length..];
        if (!key.StartsWith(Servers, StringComparison.Ordinal))
            return null;
        var dot = key.IndexOf('.', Servers.Length);
        return dot < 0 ? null : key[(dot + 1)..];
    }

    /// <summary>A protocol's own key set in server-defaults counts as known when some server read it.</summary>
    private static bool ReadByAnyServer(IReadOnlySet<string> read, string serverKey) =>
        read.Any(k => k.StartsWith(Servers, StringComparison.Ordinal) && ServerKey(k) == serverKey);

    private static IEnumerable<(string Key, string Value)> Leaves(HoconValue? value, string path)
    {
        if (value is null)
            yield break;
        if (!value.IsObject())
        {
            yield return (path, value.ToString());
            yield break;
        }
        foreach (var (name, child) in value.GetObject().Items)
        {
            foreach (var leaf in Leaves(child, path.Length == 0 ? name : $"{path}.{name}"))
                yield return leaf;
        }
    }

    /// <summary>The known key nearest to what was typed (edit distance at most a third of its length, at least 2).</summary>
    private static string? Closest(string typed, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = Math.Max(2, typed.Length / 3) + 1;
        foreach (var candidate in known)
        {
            var distance = EditDistance(typed, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
