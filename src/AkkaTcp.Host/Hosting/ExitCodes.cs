namespace AkkaTcp.Host.Hosting;

/// <summary>The host's exit codes (documented in --help and the README).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int InvalidConfiguration = 2;
    public const int StartFailed = 3;
}
