using Upstart.JobFiles.Diagnostics;

namespace Upstart.JobFiles.Events.Matching;

/// <summary>
/// Refuses a job file whose `${…}` references nest deeper than <see cref="VariableExpansion.MaxNesting"/>,
/// before anything expands them (`start on` at load, `stop on` and `instance` at start): `check` then
/// names the place, and the other jobs load as usual. The scan is over the whole text, script bodies
/// included; no real script nests a thousand deep.
/// </summary>
public static class ExpansionNesting
{
    public const string TooDeepKind = "expansion-too-deep";

    /// <summary>The diagnostic for the first `${` past the limit, or null when the text is within it.</summary>
    public static Diagnostic? Check(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Most files expand nothing: nothing before the first `${` can open or close a level.
        var first = text.IndexOf("${", StringComparison.Ordinal);
        if (first < 0)
        {
            return null;
        }

        var depth = 0;
        var line = 1 + text.AsSpan(0, first).Count('\n');
        var lineStart = first == 0 ? 0 : text.LastIndexOf('\n', first - 1) + 1;
        for (var i = first; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\n':
                    line++;
                    lineStart = i + 1;
                    break;
                case '$' when i + 1 < text.Length && text[i + 1] == '{':
                    if (++depth > VariableExpansion.MaxNesting)
                    {
                        return new Diagnostic(path, line, i - lineStart + 1, TooDeepKind, VariableExpansion.TooDeepMessage);
                    }

                    i++;
                    break;
                case '}' when depth > 0:
                    depth--;
                    break;
            }
        }

        return null;
    }
}
