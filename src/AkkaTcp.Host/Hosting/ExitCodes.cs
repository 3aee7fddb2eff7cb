namespace AkkaTcp.Host.Hosting;

/// <summary>The host's exit codes (documented in --help and the README).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int InvalidConfiguration = 2;
    public const int StartFailed = 3;
    /// <summary>Shutdown finished, but some connections were still open at drain-timeout and were reset.</summary>
    public const int ConnectionsCut = 4;
    /// <summary>A second SIGTERM/Ctrl+C during the drain ended the process at once.</summary>
    public const int Forced = 5;

    /// <summary>send / fetch: the server refused the transfer, it failed its checks, or the server could not be reached.</summary>
    public const int TransferFailed = 6;

    /// <summary>ctl / top: the control endpoint could not be reached, or it refused the command (the reason is printed).</summary>
    public const int ControlFailed = 7;
}
