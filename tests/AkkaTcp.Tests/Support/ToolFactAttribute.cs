using Xunit;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// A test that drives the server with external programs (nc, ss, redis-cli, ...). On a machine
/// without one it is skipped with the Debian package to install, so a user's first `dotnet test`
/// passes; under CI (CI=true, where .ci/run installs them) it always runs, so a missing tool fails.
/// </summary>
public sealed class ToolFactAttribute : FactAttribute
{
    /// <param name="tools">Each program the test starts, as "program:debian-package".</param>
    public ToolFactAttribute(params string[] tools)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            return;
        var missing = tools.Select(t => t.Split(':')).Where(t => !ExternalTools.IsInstalled(t[0])).ToList();
        if (missing.Count > 0)
            Skip = "needs " + string.Join(", ", missing.Select(t => $"{t[0]} (apt-get install {t[1]})"));
    }
}

/// <summary>Finds programs on PATH, as the shell would.</summary>
public static class ExternalTools
{
    public const string Nc = "nc:netcat-openbsd";
    public const string Ss = "ss:iproute2";
    public const string RedisCli = "redis-cli:redis-tools";
    public const string RedisBenchmark = "redis-benchmark:redis-tools";
    public const string Script = "script:bsdutils";
    public const string RedisServer = "redis-server:redis-server";
    public const string Openssl = "openssl:openssl";
    public const string Haproxy = "haproxy:haproxy";

    public static bool IsInstalled(string program) => Find(program) is not null;

    /// <summary>The program's path: on PATH, or in the sbin directories (Debian puts haproxy there, off a user's PATH).</summary>
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
