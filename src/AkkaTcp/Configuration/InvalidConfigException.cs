namespace AkkaTcp.Configuration;

/// <summary>
/// A configuration value AkkaTcp cannot run with. <see cref="Exception.Message"/> is one line that
/// names the full key, the value found and what is wrong, fit to print as it is.
/// </summary>
public sealed class InvalidConfigException : Exception
{
    public InvalidConfigException(string key, string? value, string problem)
        : base(value is null ? $"{key}: {problem}" : $"{key} = {value}: {problem}")
    {
        Key = key;
        Value = value;
    }

    public InvalidConfigException(string message, Exception inner) : base(message, inner)
    {
        Key = "";
    }

    /// <summary>The full HOCON path of the offending key ("" when the whole file is at fault).</summary>
    public string Key { get; }

    /// <summary>The offending value as written, or null when the key is missing.</summary>
    public string? Value { get; }
}
