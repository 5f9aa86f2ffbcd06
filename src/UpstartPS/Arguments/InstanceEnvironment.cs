using System.Text.RegularExpressions;
using Upstart.JobFiles.Events.Matching;

namespace UpstartPS.Arguments;

/// <summary>
/// Upstart finds an instance by expanding the job's `instance` stanza with the environment of the
/// request (init(5): "stop tty TTY=tty1"). A job object only knows its expanded instance name, so to
/// act on it again the module inverts the common template of one variable ($TTY or ${TTY}) into
/// TTY=tty1. Other templates need the user's -Environment.
/// </summary>
public static partial class InstanceEnvironment
{
    /// <summary>KEY=VALUE that selects <paramref name="instance"/>, or null when the template is not one variable.</summary>
    public static string? Derive(string? template, string instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (string.IsNullOrEmpty(template) || instance.Length == 0)
        {
            return null;
        }

        var match = SingleVariable().Match(template.Trim());
        return match.Success ? $"{match.Groups["name"].Value}={instance}" : null;
    }

    /// <summary>
    /// The instance a request with <paramref name="environment"/> addresses, as the daemon finds it: the job's
    /// `instance` stanza expanded against its `env` defaults and then the request's KEY=VALUE pairs (a later
    /// entry wins). Null when that needs a variable neither gives (the daemon's global table may have it, or
    /// it answers "Unknown parameter"); "" for a job without an `instance` stanza.
    /// </summary>
    public static string? Select(string? template, IEnumerable<string> jobEnvironment, IEnumerable<string> environment)
    {
        ArgumentNullException.ThrowIfNull(jobEnvironment);
        ArgumentNullException.ThrowIfNull(environment);
        if (string.IsNullOrEmpty(template))
        {
            return "";
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in jobEnvironment.Concat(environment))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                variables[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return VariableExpansion.TryExpand(template, variables, out var instance, out _) ? instance : null;
    }

    /// <summary>
    /// The environment of a request about an instance: the user's entries, preceded by the one that names
    /// <paramref name="instance"/> (<see cref="Derive"/>) unless the user's entries set that variable themselves.
    /// </summary>
    public static IReadOnlyList<string> Merge(string? template, string instance, IReadOnlyList<string> given)
    {
        ArgumentNullException.ThrowIfNull(given);
        if (Derive(template, instance) is not { } derived)
        {
            return given;
        }

        var key = derived[..(derived.IndexOf('=', StringComparison.Ordinal) + 1)];
        return given.Any(e => e.StartsWith(key, StringComparison.Ordinal)) ? given : [derived, .. given];
    }

    [GeneratedRegex(@"^\$(\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}|(?<name>[A-Za-z_][A-Za-z0-9_]*))$", RegexOptions.CultureInvariant)]
    private static partial Regex SingleVariable();
}
