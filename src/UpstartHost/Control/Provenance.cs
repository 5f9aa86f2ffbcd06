using Upstart.JobFiles.Model;

namespace UpstartHost.Control;

/// <summary>
/// show-config's provenance: for each setting a file made, "conf" or "override" — the file that made it
/// last (init(5): an override replaces or extends the stanzas it names). The parser records the
/// settings each file made (<see cref="JobClassConfig.ConfSettings"/>,
/// <see cref="JobClassConfig.OverrideSettings"/>), so this needs neither a list of stanzas nor a
/// second read of the files; a stanza added to the parser's table shows up here by itself.
/// </summary>
public static class Provenance
{
    public static IReadOnlyDictionary<string, string> For(JobClassConfig merged)
    {
        ArgumentNullException.ThrowIfNull(merged);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in merged.ConfSettings)
        {
            result[setting] = "conf";
        }

        foreach (var setting in merged.OverrideSettings)
        {
            result[setting] = "override";
        }

        return result;
    }
}
