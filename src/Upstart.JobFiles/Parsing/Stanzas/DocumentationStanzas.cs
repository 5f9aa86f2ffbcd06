namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>
/// init(5) "Documentation" and the other one-argument stanzas: description, author, version, usage,
/// instance, chroot, chdir, setuid, setgid. Exactly one argument (quote multi-word text); `""` is a
/// missing argument. Like Upstart, a failed stanza leaves the field cleared (this shows only when an
/// override fails part-way, UPSTART.md §a.3).
/// </summary>
internal static class DocumentationStanzas
{
    public static bool Description(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        Single(t, ref at, ref job.Description);

    public static bool Author(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        Single(t, ref at, ref job.Author);

    public static bool Version(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        Single(t, ref at, ref job.Version);

    public static bool Usage(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        Single(t, ref at, ref job.Usage);

    public static bool Chroot(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        Single(t, ref at, ref job.Chroot);

    public static bool Chdir(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        Single(t, ref at, ref job.Chdir);

    public static bool Setuid(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        Single(t, ref at, ref job.Setuid);

    public static bool Setgid(ConfigTokenizer t, JobClassBuilder job, ref Cursor at) =>
        Single(t, ref at, ref job.Setgid);

    /// <summary>`instance PATTERN`: stored unexpanded; expanded when a start arrives.</summary>
    public static bool Instance(ConfigTokenizer t, JobClassBuilder job, ref Cursor at)
    {
        string? value = job.Instance;
        var ok = Single(t, ref at, ref value);
        job.Instance = value ?? "";
        return ok;
    }

    private static bool Single(ConfigTokenizer t, ref Cursor at, ref string? field)
    {
        if (!t.NextArgument(ref at, out var value))
        {
            field = null;
            return false;
        }

        field = value;
        return t.SkipComment(ref at);
    }
}
