namespace AkkaTcp.Host.CommandLine;

/// <summary>What <c>akka-tcp run</c> was given: the configuration file and its overrides (parsed by <see cref="HostCommands"/>).</summary>
public sealed record HostCommandLine
{
    public string? ConfigFile { get; init; }
    public string? Port { get; init; }
    public string? Host { get; init; }
    public string? Protocol { get; init; }
    public IReadOnlyList<string> Sets { get; init; } = [];
}
