using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace AkkaTcp.Host.Hosting;

/// <summary>
/// The first SIGTERM or Ctrl+C stops the generic host, which runs Akka's CoordinatedShutdown (stop
/// accepting, drain, unbind); the signal's default action (process exit) is cancelled so the signal
/// thread is free at once. A second signal during the drain exits immediately, as operators expect
/// from a second Ctrl+C.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly IHostApplicationLifetime _lifetime;
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public ShutdownSignals(IHostApplicationLifetime lifetime)
    {
        _lifetime = lifetime;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
        ];
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) < 2)
        {
            _lifetime.StopApplication();
            return;
        }
        Console.Error.WriteLine($"akka-tcp: second {context.Signal} during shutdown: exiting now (code {ExitCodes.Forced})");
        Console.Error.Flush();
        // Environment.Exit would first run the process-exit handlers, and Akka's waits for the
        // CoordinatedShutdown we are cutting short; _exit ends the process at once.
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            ExitNow(ExitCodes.Forced);
        Environment.Exit(ExitCodes.Forced);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int status);

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
