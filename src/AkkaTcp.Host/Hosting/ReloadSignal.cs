using System.Runtime.InteropServices;

namespace AkkaTcp.Host.Hosting;

/// <summary>SIGHUP reloads the configuration (see <see cref="ConfigReload"/>), as nginx and HAProxy do; the process keeps running.</summary>
internal sealed class ReloadSignal : IDisposable
{
    private readonly PosixSignalRegistration _registration;

    public ReloadSignal(ConfigReload reload) =>
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

    public void Dispose() => _registration.Dispose();
}
