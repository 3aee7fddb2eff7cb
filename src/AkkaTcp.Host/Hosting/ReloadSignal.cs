using System.Runtime.InteropServices;

namespace AkkaTcp.Host.Hosting;

/// <summary>SIGHUP reloads the configuration (see <see cref="ConfigReload"/>), as nginx and HAProxy do; the process keeps running.</summary>
internal sealed class ReloadSignal : IDisposable
{
    private const int SigHup = 1;
    private const nint SigDfl = 0;
    private const nint SigIgn = 1;
    private const nint SigErr = -1;

    private readonly PosixSignalRegistration _registration;

    public ReloadSignal(ConfigReload reload)
    {
        // Started under nohup (or any parent that ignores SIGHUP), the signal arrives ignored, and
        // .NET leaves an ignored signal alone: the registration below would never be called and a
        // reload by signal would silently do nothing. With the handler installed, a hang-up is
        // still survived (it reloads), which is what nohup is for.
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            UnignoreHangup();
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP's default action ends the process
            _ = Task.Run(async () =>
            {
                try
                {
                    await reload.ReloadAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // logged by the reload
                }
            });
        });
    }

    public void Dispose() => _registration.Dispose();

    /// <summary>Sets SIGHUP back to its default action when it is ignored; any other disposition is kept.</summary>
    private static void UnignoreHangup()
    {
        var previous = SetSignalHandler(SigHup, SigDfl);
        if (previous != SigIgn && previous != SigDfl && previous != SigErr)
            SetSignalHandler(SigHup, previous); // handled, not ignored: put the handler back
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint SetSignalHandler(int signal, nint handler);
}
