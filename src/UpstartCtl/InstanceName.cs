using System.Text;

namespace UpstartCtl;

/// <summary>
/// The instance name `status JOB K=V` refers to: the job's `instance` stanza with $VAR / ${VAR}
/// expanded from the given variables, then the job's own `env` defaults (init(5) instance).
/// With no instance stanza, an explicit INSTANCE=NAME (or UPSTART_INSTANCE=NAME) is used as is.
/// </summary>
public static class InstanceName
{
    public static string Expand(string pattern, IReadOnlyList<string> jobEnv, IReadOnlyList<string> given)
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
            return values.GetValueOrDefault("INSTANCE") ?? values.GetValueOrDefault("UPSTART_INSTANCE") ?? "";
        }

        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '$' || i + 1 >= pattern.Length)
            {
                sb.Append(pattern[i]);
                continue;
            }

            var braced = pattern[i + 1] == '{';
            var start = i + (braced ? 2 : 1);
            var end = start;
            while (end < pattern.Length && (char.IsAsciiLetterOrDigit(pattern[end]) || pattern[end] == '_'))
            {
                end++;
            }

            if (end == start || (braced && (end >= pattern.Length || pattern[end] != '}')))
            {
                sb.Append(pattern[i]);
                continue;
            }

            var name = pattern[start..end];
            sb.Append(values.TryGetValue(name, out var value) ? value : "");
            i = braced ? end : end - 1;
        }

        return sb.ToString();
    }
}
