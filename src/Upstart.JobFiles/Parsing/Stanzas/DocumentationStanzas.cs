using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>
/// init(5) "Documentation" and the other one-argument stanzas: description, author, version, usage,
/// instance, chroot, chdir, setuid, setgid. Exactly one argument (quote multi-word text); `""` is a
/// missing argument. Like Upstart, a failed stanza leaves the field cleared (this shows only when an
/// override fails part-way, UPSTART.md §a.3).
/// </summary>
internal static class DocumentationStanzas
{
    public static bool Description(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, static (c, v) => c with { Description = v });

    public static bool Author(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, static (c, v) => c with { Author = v });

    public static bool Version(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, static (c, v) => c with { Version = v });

    public static bool Usage(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, static (c, v) => c with { Usage = v });

    public static bool Chroot(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, static (c, v) => c with { Chroot = v });

    public static bool Chdir(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, static (c, v) => c with { Chdir = v });

    public static bool Setuid(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, static (c, v) => c with { Setuid = v });

    public static bool Setgid(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, static (c, v) => c with { Setgid = v });

    /// <summary>`instance PATTERN`: stored unexpanded; expanded when a start arrives.</summary>
    public static bool Instance(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, static (c, v) => c with { Instance = v ?? "" });

    /// <summary>Reads the argument and stores it through <paramref name="set"/>; null when it is missing.</summary>
    private static bool Single(ConfigTokenizer t, JobParseState job, ref Cursor at, Func<JobClassConfig, string?, JobClassConfig> set)
    {
        var ok = t.NextArgument(ref at, out var value);
        job.Current = set(job.Current, ok ? value : null);
        return ok && t.SkipComment(ref at);
    }
}
