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
        Single(t, job, ref at, Field.Description);

    public static bool Author(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, Field.Author);

    public static bool Version(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, Field.Version);

    public static bool Usage(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, Field.Usage);

    public static bool Chroot(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, Field.Chroot);

    public static bool Chdir(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, Field.Chdir);

    public static bool Setuid(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, Field.Setuid);

    public static bool Setgid(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        Single(t, job, ref at, Field.Setgid);

    /// <summary>`instance PATTERN`: stored unexpanded; expanded when a start arrives.</summary>
    public static bool Instance(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var ok = t.NextArgument(ref at, out var value);
        Field.Instance.Set(job, ok ? value : "");
        return ok && t.SkipComment(ref at);
    }

    /// <summary>Reads the argument into <paramref name="field"/>; a missing one clears it.</summary>
    private static bool Single(ConfigTokenizer t, JobParseState job, ref Cursor at, JobField<string?> field)
    {
        var ok = t.NextArgument(ref at, out var value);
        field.Set(job, ok ? value : null);
        return ok && t.SkipComment(ref at);
    }

    /// <summary>The JobClassConfig properties these handlers set.</summary>
    private static class Field
    {
        public static readonly JobField<string?> Description = new(nameof(JobClassConfig.Description));

        public static readonly JobField<string?> Author = new(nameof(JobClassConfig.Author));

        public static readonly JobField<string?> Version = new(nameof(JobClassConfig.Version));

        public static readonly JobField<string?> Usage = new(nameof(JobClassConfig.Usage));

        public static readonly JobField<string?> Chroot = new(nameof(JobClassConfig.Chroot));

        public static readonly JobField<string?> Chdir = new(nameof(JobClassConfig.Chdir));

        public static readonly JobField<string?> Setuid = new(nameof(JobClassConfig.Setuid));

        public static readonly JobField<string?> Setgid = new(nameof(JobClassConfig.Setgid));

        public static readonly JobField<string> Instance = new(nameof(JobClassConfig.Instance));
    }
}
