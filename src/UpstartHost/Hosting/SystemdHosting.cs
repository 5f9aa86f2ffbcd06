using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace UpstartHost.Hosting;

/// <summary>
/// Microsoft.Extensions.Hosting.Systemd wired into the daemon: <c>AddSystemd()</c> (the service-collection
/// form of <c>UseSystemd()</c>) gives the systemd lifetime (READY=1 once every hosted service has started,
/// STOPPING=1 when stopping begins) and the journal's <c>&lt;6&gt;</c> console format when systemd runs us.
/// </summary>
public static class SystemdHosting
{
    /// <summary>
    /// True when a service manager expects sd_notify(3) messages: systemd runs us (the package's own test), or
    /// NOTIFY_SOCKET is set (a container manager such as podman's --sdnotify, or a test playing systemd).
    /// Newer Microsoft.Extensions.Hosting.Systemd releases register the lifetime on NOTIFY_SOCKET alone too.
    /// </summary>
    public static bool ServiceManagerListens(string? notifySocket) =>
        SystemdHelpers.IsSystemdService() || !string.IsNullOrEmpty(notifySocket);

    /// <summary>
    /// The notifier, created before anything else reads the environment; then NOTIFY_SOCKET and the watchdog
    /// variables are removed so no job inherits them (jobs are not the service systemd watches).
    /// </summary>
    public static (SystemdNotifier Notifier, TimeSpan? Watchdog, bool Listens) TakeFromEnvironment()
    {
        var listens = ServiceManagerListens(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));
        var notifier = new SystemdNotifier();
        var watchdog = SystemdWatchdog.Interval(
            Environment.GetEnvironmentVariable("WATCHDOG_USEC"),
            Environment.GetEnvironmentVariable("WATCHDOG_PID"),
            Environment.ProcessId);
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", null);
        Environment.SetEnvironmentVariable("WATCHDOG_USEC", null);
        Environment.SetEnvironmentVariable("WATCHDOG_PID", null);
        return (notifier, listens ? watchdog : null, listens && notifier.IsEnabled);
    }

    /// <summary>
    /// AddSystemd() for the journal format and, whenever a service manager listens (systemd, or NOTIFY_SOCKET
    /// alone), its lifetime joined with <see cref="SignalLifetime"/>'s signals (<see cref="ServiceManagerLifetime"/>);
    /// otherwise <see cref="SignalLifetime"/> alone stops us.
    /// </summary>
    public static void Add(IServiceCollection services, ISystemdNotifier notifier, bool listens)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSystemd();

        // AddSystemd's own notifier would read NOTIFY_SOCKET only when first resolved, after it was cleared.
        services.Replace(ServiceDescriptor.Singleton<ISystemdNotifier>(sp =>
            new TolerantNotifier(notifier, sp.GetRequiredService<ILogger<TolerantNotifier>>())));
        if (listens)
        {
            services.TryAddSingleton<SystemdLifetime>();
            services.TryAddSingleton<SignalLifetime>();
            services.Replace(ServiceDescriptor.Singleton<IHostLifetime, ServiceManagerLifetime>());
        }
        else
        {
            services.Replace(ServiceDescriptor.Singleton<IHostLifetime, SignalLifetime>());
        }
    }

    /// <summary>The journal reads `&lt;6&gt;message` priority prefixes from stdout (sd-daemon(3)).</summary>
    public static bool WritesToJournal() =>
        SystemdHelpers.IsSystemdService()
        || Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 };
}
