using System.Diagnostics.CodeAnalysis;
using Upstart.JobFiles.Events.Matching;

namespace UpstartCtl;

/// <summary>
/// The instance name `status JOB K=V` refers to: the job's `instance` stanza expanded as the daemon expands it
/// for start and stop (Upstart's environ_expand: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}` …), from the
/// job's own `env` defaults, then the given variables (init(5) instance). Ubuntu's network-interface-security
/// uses `instance $JOB${INTERFACE:+/}${INTERFACE:-}`. A variable neither gives is initctl's `Unknown parameter:
/// VAR`. With no instance stanza, an explicit INSTANCE=NAME (or UPSTART_INSTANCE=NAME) is used as is.
/// </summary>
public static class InstanceName
{
    public static bool TryExpand(
        string pattern,
        IReadOnlyList<string> jobEnv,
        IReadOnlyList<string> given,
        [NotNullWhen(true)] out string? name,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(jobEnv);
        ArgumentNullException.ThrowIfNull(given);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in jobEnv.Concat(given))
        {
            var eq = kv.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[kv[..eq]] = kv[(eq + 1)..];
            }
        }

        if (pattern.Length == 0)
        {
            name = values.GetValueOrDefault("INSTANCE") ?? values.GetValueOrDefault("UPSTART_INSTANCE") ?? "";
            error = null;
            return true;
        }

        return VariableExpansion.TryExpand(pattern, values, out name, out error);
    }
}
