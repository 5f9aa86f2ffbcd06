namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>env, export and emits: list stanzas that accumulate (also across an override).</summary>
internal static class EnvironmentStanzas
{
    /// <summary>`env KEY=VALUE` or `env KEY`, exactly one argument; the value is not expanded.</summary>
    public static bool Env(ConfigTokenizer t, JobClassBuilder job, ref Cursor at)
    {
        if (!t.NextArgument(ref at, out var entry))
        {
            return false;
        }

        job.Env.Add(entry);
        return t.SkipComment(ref at);
    }

    /// <summary>`export VAR...`: names (no `$`) added to the job's own events.</summary>
    public static bool Export(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        OneOrMore(t, ref at, job.Export);

    /// <summary>`emits EVENT...`: documentation, and input to check-config; globs allowed.</summary>
    public static bool Emits(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        OneOrMore(t, ref at, job.Emits);

    private static bool OneOrMore(ConfigTokenizer t, ref Cursor at, List<string> into)
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

        into.AddRange(arguments);
        return true;
    }
}
