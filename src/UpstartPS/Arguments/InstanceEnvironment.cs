using System.Text.RegularExpressions;

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

    [GeneratedRegex(@"^\$(\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}|(?<name>[A-Za-z_][A-Za-z0-9_]*))$", RegexOptions.CultureInvariant)]
    private static partial Regex SingleVariable();
}
