using System.Collections.Immutable;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>env, export and emits: list stanzas that accumulate (also across an override).</summary>
internal static class EnvironmentStanzas
{
    private static readonly Accumulated<ImmutableArray<string>.Builder> EnvList =
        AccumulatedList.Of<string>(nameof(JobClassConfig.Env));

    private static readonly Accumulated<ImmutableArray<string>.Builder> ExportList =
        AccumulatedList.Of<string>(nameof(JobClassConfig.Export));

    private static readonly Accumulated<ImmutableArray<string>.Builder> EmitsList =
        AccumulatedList.Of<string>(nameof(JobClassConfig.Emits));

    /// <summary>`env KEY=VALUE` or `env KEY`, exactly one argument; the value is not expanded.</summary>
    public static bool Env(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        if (!t.NextArgument(ref at, out var entry))
        {
            return false;
        }

        job.Open(EnvList).Add(entry);
        return t.SkipComment(ref at);
    }

    /// <summary>`export VAR...`: names (no `$`) added to the job's own events.</summary>
    public static bool Export(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        OneOrMore(t, ref at, job, ExportList);

    /// <summary>`emits EVENT...`: documentation, and input to check-config; globs allowed.</summary>
    public static bool Emits(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        OneOrMore(t, ref at, job, EmitsList);

    private static bool OneOrMore(ConfigTokenizer t, ref Cursor at, JobParseState job, Accumulated<ImmutableArray<string>.Builder> into)
    {
        if (!t.HasToken(at))
        {
            return t.Raise(ParseErrors.ExpectedToken);
        }

        // Upstart collects the line first and adds it only when every argument read cleanly.
        var arguments = new List<string>();
        if (!t.ParseArguments(ref at, arguments))
        {
            return false;
        }

        job.Open(into).AddRange(arguments);
        return true;
    }
}
