using System.Runtime.InteropServices;
using UpstartHost.Processes.Native;

namespace UpstartHost.Hosting;

/// <summary>
/// SIGHUP re-reads the job directories, as init(8) does. Kept apart from the lifetime, which is
/// Microsoft.Extensions.Hosting.Systemd's under a service manager and <see cref="SignalLifetime"/> otherwise.
/// </summary>
public sealed class HangupSignal : IDisposable
{
    private const int SigHup = 1;

    private PosixSignalRegistration? registration;

    /// <summary>Raised on a thread-pool thread for every SIGHUP once <see cref="Listen"/> was called.</summary>
    public event Action? ReloadRequested;

    public void Listen()
    {
        if (registration is not null)
        {
            return;
        }

        // Started under nohup (or by anything that ignores SIGHUP), the runtime would keep SIGHUP ignored
        // and `kill -HUP` would reload nothing: the signal is the daemon's documented reload, so it is taken.
        SignalDisposition.StopIgnoring(SigHup);
        registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);
    }

    public void Dispose() => registration?.Dispose();

    private void OnHangup(PosixSignalContext context)
    {
        // The runtime's default for SIGHUP would end the process.
        context.Cancel = true;
        ThreadPool.UnsafeQueueUserWorkItem(_ => ReloadRequested?.Invoke(), null);
    }
}
