using Akka.Configuration;

namespace AkkaTcp.Configuration;

/// <summary>
/// Reads typed values from one HOCON block and turns every bad value into an
/// <see cref="InvalidConfigException"/> naming the full key. All validation of AkkaTcp's
/// settings goes through here, so every error reads the same way.
/// </summary>
public sealed class ConfigReader
{
    private readonly Config _config;

    private readonly HashSet<string>? _read;

    public ConfigReader(Config config, string path)
        : this(config, path, null)
    {
    }

    /// <param name="read">Collects the full key of every value read through this reader and its sections.</param>
    internal ConfigReader(Config config, string path, HashSet<string>? read)
    {
        _config = config;
        Path = path;
        _read = read;
    }

    /// <summary>
    /// Every value of this block (fallbacks included) as sorted "key=value" lines, in one pass:
    /// those of <paramref name="keys"/> in <c>In</c>, all others in <c>Out</c>. Two blocks with
    /// the same fingerprint hold the same values in the keys it covers.
    /// </summary>
    internal (string In, string Out) Fingerprints(IReadOnlySet<string> keys)
    {
        List<string> inside = [], outside = [];
        Flatten(_config.Root, "", keys, inside, outside);
        inside.Sort(StringComparer.Ordinal);
        outside.Sort(StringComparer.Ordinal);
        return (string.Join('\n', inside), string.Join('\n', outside));
    }

    private static void Flatten(Akka.Configuration.Hocon.HoconValue value, string key, IReadOnlySet<string> keys, List<string> inside, List<string> outside)
    {
        if (value.IsObject())
        {
            foreach (var (name, child) in value.GetObject().Items)
                Flatten(child, key.Length == 0 ? name : key + "." + name, keys, inside, outside);
        }
        else
        {
            (keys.Contains(key) ? inside : outside).Add(key + "=" + value);
        }
    }

    /// <summary>The full HOCON path of this block, used in error messages.</summary>
    public string Path { get; }

    public string FullKey(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public ConfigReader Section(string key)
    {
        var section = _config.GetConfig(key) ?? throw Missing(key);
        return new ConfigReader(section, FullKey(key), _read);
    }

    /// <summary>The keys directly under <paramref name="key"/> (fallbacks included).</summary>
    public IReadOnlyList<string> Keys(string key)
    {
        var section = _config.GetConfig(key);
        if (section is null)
            return [];
        var keys = new List<string>();
        foreach (var pair in section.AsEnumerable())
            keys.Add(pair.Key);
        return keys;
    }

    public string String(string key)
    {
        var value = Value(key);
        if (!value.IsString())
            throw new InvalidConfigException(FullKey(key), value.ToString(), "must be a string");
        return value.GetString();
    }

    /// <summary>A string that may be left out (blocks with no reference.conf defaults, e.g. labelled entries): absent is empty.</summary>
    public string OptionalString(string key)
    {
        _read?.Add(FullKey(key));
        return _config.HasPath(key) ? String(key) : "";
    }

    /// <summary>
    /// A string kept exactly as written, white space included ("\n" stays a newline; Akka's own
    /// GetString trims it away).
    /// </summary>
    public string ExactString(string key)
    {
        var value = Value(key);
        if (!value.IsString())
            throw new InvalidConfigException(FullKey(key), value.ToString(), "must be a string");
        var text = new System.Text.StringBuilder();
        foreach (var element in value.Values)
            text.Append(element.GetString());
        return text.ToString();
    }

    public bool Bool(string key)
    {
        var value = Value(key);
        return value.GetString() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            var other => throw new InvalidConfigException(FullKey(key), other, "must be on or off"),
        };
    }

    /// <summary>One of a fixed set of words, e.g. over-limit = queue | reject.</summary>
    public string OneOf(string key, params string[] allowed)
    {
        var value = String(key);
        if (Array.IndexOf(allowed, value) < 0)
            throw new InvalidConfigException(FullKey(key), value, $"must be one of: {string.Join(", ", allowed)}");
        return value;
    }

    /// <summary>A list of strings (["a", "b"]); an absent key is an empty list.</summary>
    public IReadOnlyList<string> StringList(string key)
    {
        _read?.Add(FullKey(key));
        if (!_config.HasPath(key))
            return [];
        var value = _config.GetValue(key);
        // Akka's HOCON parser reads "[]" as a value it cannot name ("<<unknown value>>").
        if (value is null || value.IsEmpty || value.ToString() == "<<unknown value>>")
            return [];
        if (!value.IsArray())
            throw new InvalidConfigException(FullKey(key), value.ToString(), "must be a list of strings, e.g. [\"My.Type, My.Assembly\"]");
        return value.GetStringList().ToList();
    }

    /// <summary>
    /// A list of type names (["My.Type, My.Assembly"]), each created through its public
    /// parameterless constructor: how a protocol takes plug-ins from its configuration. A name that
    /// does not load, is not a concrete <typeparamref name="T"/> or whose constructor fails is an
    /// <see cref="InvalidConfigException"/> naming the key.
    /// </summary>
    public IReadOnlyList<T> Instances<T>(string key) where T : class
    {
        var names = StringList(key);
        var instances = new List<T>(names.Count);
        foreach (var name in names)
            instances.Add(ConfiguredType.Create<T>(FullKey(key), ConfiguredType.Resolve(FullKey(key), name, typeof(T))));
        return instances;
    }

    public int Int(string key, int min, int max) => (int)Long(key, min, max);

    public long Long(string key, long min, long max)
    {
        var value = Value(key);
        long result;
        try
        {
            result = value.GetLong();
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new InvalidConfigException(FullKey(key), value.ToString(), "must be an integer");
        }
        return InRange(key, value, result, min, max, result.ToString());
    }

    /// <summary>A size in bytes; HOCON size units (64k, 4m) are accepted.</summary>
    public int ByteSize(string key, int min, int max) => (int)LongByteSize(key, min, max);

    /// <summary>A size in bytes that may pass 2 GiB (file sizes).</summary>
    public long LongByteSize(string key, long min, long max)
    {
        var value = Value(key);
        long? size;
        try
        {
            size = value.GetByteSize();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            size = null;
        }
        if (size is null)
            throw new InvalidConfigException(FullKey(key), value.ToString(), "must be a size in bytes (e.g. 65536, 64k, 4m)");
        return InRange(key, value, size.Value, min, max, $"{size.Value} bytes");
    }

    public TimeSpan Duration(string key, TimeSpan min, TimeSpan max)
    {
        var value = Value(key);
        TimeSpan result;
        try
        {
            result = value.GetTimeSpan(allowInfinite: false);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidConfigException(FullKey(key), value.ToString(), "must be a duration (e.g. 500ms, 10s, 2m)");
        }
        if (result < min || result > max)
            throw new InvalidConfigException(FullKey(key), value.ToString(), $"must be between {Hocon(min)} and {Hocon(max)}");
        return result;
    }

    /// <summary>A duration as one would write it in HOCON (1s, 500ms, 1d).</summary>
    private static string Hocon(TimeSpan duration) => duration switch
    {
        { Ticks: 0 } => "0s",
        { Ticks: var t } when t % TimeSpan.TicksPerDay == 0 => $"{duration.TotalDays}d",
        { Ticks: var t } when t % TimeSpan.TicksPerHour == 0 => $"{duration.TotalHours}h",
        { Ticks: var t } when t % TimeSpan.TicksPerMinute == 0 => $"{duration.TotalMinutes}m",
        { Ticks: var t } when t % TimeSpan.TicksPerSecond == 0 => $"{duration.TotalSeconds}s",
        _ => $"{duration.TotalMilliseconds}ms",
    };

    private long InRange(string key, Akka.Configuration.Hocon.HoconValue value, long result, long min, long max, string shown)
    {
        if (result < min || result > max)
            throw new InvalidConfigException(FullKey(key), value.ToString(), $"must be between {min} and {max} (got {shown})");
        return result;
    }

    private Akka.Configuration.Hocon.HoconValue Value(string key)
    {
        _read?.Add(FullKey(key));
        var value = _config.HasPath(key) ? _config.GetValue(key) : null;
        if (value is null || value.IsEmpty)
            throw Missing(key);
        if (value.IsObject())
            throw new InvalidConfigException(FullKey(key), "{ ... }", "must be a single value, not a block");
        return value;
    }

    private InvalidConfigException Missing(string key) => new(FullKey(key), null, "is missing");
}
