using System.Runtime.InteropServices;

namespace UpstartHost.Hosting;

/// <summary>
/// SIGHUP re-reads the job directories, as init(8) does. Kept apart from the lifetime, which is
/// Microsoft.Extensions.Hosting.Systemd's under a service manager and <see cref="SignalLifetime"/> otherwise.
/// </summary>
public sealed class HangupSignal : IDisposable
{
    private PosixSignalRegistration? registration;

    /// <summary>Raised on a thread-pool thread for every SIGHUP once <see cref="Listen"/> was called.</summary>
    public event Action? ReloadRequested;

    public void Listen() => registration ??= PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);

    public void Dispose() => registration?.Dispose();

    private void OnHangup(PosixSignalContext context)
    {
        // The runtime's default for SIGHUP would end the process.
        context.Cancel = true;
        ThreadPool.UnsafeQueueUserWorkItem(_ => ReloadRequested?.Invoke(), null);
    }
}
