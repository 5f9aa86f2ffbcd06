using Microsoft.Extensions.Logging;

namespace UpstartHost.Control;

/// <summary>
/// `initctl log-priority`: Upstart's priorities (debug, info, message, warn, error, fatal; default
/// message) mapped onto the daemon's log levels. The logging filter reads <see cref="Minimum"/> on
/// every message, so a change applies at once.
/// </summary>
public sealed class LogPriority
{
    public static readonly IReadOnlyList<string> Names = ["debug", "info", "message", "warn", "error", "fatal"];

    private volatile string current = "message";

    public string Current => current;

    public LogLevel Minimum => ToLevel(current);

    /// <summary>False for an unknown name (the caller reports it, as initctl does).</summary>
    public bool TrySet(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.ToLowerInvariant();
        if (!Names.Contains(lower))
        {
            return false;
        }

        current = lower;
        return true;
    }

    public static LogLevel ToLevel(string priority) => priority switch
    {
        "debug" => LogLevel.Trace,
        "info" => LogLevel.Debug,
        "message" => LogLevel.Information,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" => LogLevel.Critical,
        _ => LogLevel.Information,
    };
}
