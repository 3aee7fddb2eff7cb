using System.Runtime.InteropServices;

namespace AkkaTcp.Host.Hosting;

/// <summary>
/// The first SIGTERM or Ctrl+C is left to the generic host, which runs Akka's CoordinatedShutdown
/// (stop accepting, drain, unbind). A second one during that drain exits at once, as operators
/// expect from a second Ctrl+C.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public ShutdownSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
        ];
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) < 2)
            return;
        Console.Error.WriteLine($"akka-tcp: second {context.Signal} during shutdown: exiting now (code {ExitCodes.Forced})");
        Environment.Exit(ExitCodes.Forced);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
