using System.Globalization;

namespace UpstartHost.Hosting;

/// <summary>
/// systemd's WatchdogSec as it reaches the service: WATCHDOG_USEC, meant for us only when WATCHDOG_PID is
/// absent or our pid (sd_watchdog_enabled(3)). Microsoft.Extensions.Hosting.Systemd sends no WATCHDOG=1
/// itself; <see cref="SystemdStatusReporter"/> does, at half the interval as sd_watchdog_enabled advises.
/// </summary>
public static class SystemdWatchdog
{
    public static TimeSpan? Interval(string? usec, string? pid, int ownPid)
    {
        if (pid is not null && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p != ownPid))
        {
            return null;
        }

        // A hostile or broken value is ignored rather than trusted: no watchdog is safer than a wrong one.
        return long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) && micros > 0 && micros < TimeSpan.MaxValue.Ticks / 10
            ? TimeSpan.FromTicks(micros * 10)
            : null;
    }
}
