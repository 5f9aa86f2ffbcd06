using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace UpstartHost.Hosting;

/// <summary>
/// The lifetime under a service manager: Microsoft.Extensions.Hosting.Systemd's (READY=1 once started, STOPPING=1
/// when stopping) with <see cref="SignalLifetime"/>'s signals. The systemd lifetime takes SIGTERM alone, so SIGINT
/// and SIGQUIT kept the runtime's default action and ended the daemon at once, leaving every job running
/// unsupervised; init(8) and this daemon elsewhere stop every job on any of the three.
/// </summary>
public sealed class ServiceManagerLifetime : IHostLifetime, IDisposable
{
    private readonly SystemdLifetime systemd;
    private readonly SignalLifetime signals;

    public ServiceManagerLifetime(SystemdLifetime systemd, SignalLifetime signals)
    {
        this.systemd = systemd;
        this.signals = signals;
    }

    public async Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        await systemd.WaitForStartAsync(cancellationToken).ConfigureAwait(false);
        await signals.WaitForStartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => systemd.StopAsync(cancellationToken);

    public void Dispose()
    {
        signals.Dispose();
        systemd.Dispose();
    }
}
