namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>
/// Every stanza of an Upstart 1.13 job file and the handler that parses it, in init(5)'s order. Keywords
/// are case-sensitive and read with their quotes, so `"exec"` is an unknown stanza.
/// </summary>
internal static class StanzaTable
{
    private static readonly (string Keyword, StanzaHandler Handler)[] Stanzas =
    [
        ("instance", DocumentationStanzas.Instance),
        ("description", DocumentationStanzas.Description),
        ("author", DocumentationStanzas.Author),
        ("version", DocumentationStanzas.Version),
        ("usage", DocumentationStanzas.Usage),
        ("env", EnvironmentStanzas.Env),
        ("export", EnvironmentStanzas.Export),
        ("start", EventStanzas.Start),
        ("stop", EventStanzas.Stop),
        ("manual", EventStanzas.Manual),
        ("emits", EnvironmentStanzas.Emits),
        ("exec", ProcessStanzas.Exec),
        ("script", ProcessStanzas.Script),
        ("pre-start", ProcessStanzas.PreStart),
        ("post-start", ProcessStanzas.PostStart),
        ("pre-stop", ProcessStanzas.PreStop),
        ("post-stop", ProcessStanzas.PostStop),
        ("expect", SupervisionStanzas.Expect),
        ("task", SupervisionStanzas.Task),
        ("kill", SupervisionStanzas.Kill),
        ("reload", SupervisionStanzas.Reload),
        ("respawn", SupervisionStanzas.Respawn),
        ("normal", SupervisionStanzas.Normal),
        ("console", ExecutionStanzas.Console),
        ("umask", ExecutionStanzas.Umask),
        ("nice", ExecutionStanzas.Nice),
        ("oom", ExecutionStanzas.Oom),
        ("limit", ExecutionStanzas.Limit),
        ("chroot", DocumentationStanzas.Chroot),
        ("chdir", DocumentationStanzas.Chdir),
        ("setuid", DocumentationStanzas.Setuid),
        ("setgid", DocumentationStanzas.Setgid),
        ("apparmor", ExecutionStanzas.AppArmor),
        ("cgroup", ExecutionStanzas.Cgroup),
        ("debug", ExecutionStanzas.Debug),

        // UpstartPS's additions, after init(5)'s own; Upstart 1.13 calls them unknown stanzas.
        ("pre-restart", ProcessStanzas.PreRestart),
    ];

    /// <summary>
    /// Stanzas whose first argument says what they set, so provenance names them with it (`kill timeout`
    /// and `kill signal` are different settings); every other stanza is named by its keyword.
    /// </summary>
    private static readonly string[] TwoWordStanzas =
    [
        "start on", "stop on", "respawn limit", "respawn delay", "normal exit", "kill timeout", "kill signal", "reload signal",
        "oom score", "apparmor load", "apparmor switch",
    ];

    /// <summary>
    /// The settings UpstartPS accepts and Upstart 1.13 refuses (its parser calls them unknown stanzas and
    /// rejects the whole file). The parser records where each is used, for `check --upstart-compatible`.
    /// </summary>
    private static readonly string[] BeyondUpstartSettings = ["pre-restart", "respawn delay"];

    /// <summary>The stanza keywords, for tools (completion, documentation).</summary>
    public static IEnumerable<string> Keywords => Stanzas.Select(s => s.Keyword);

    /// <summary>The table's entries by the keyword's first character ('a'..'z'), so a lookup compares one to four keywords.</summary>
    private static readonly (string Keyword, StanzaHandler Handler)[][] ByInitial = BuildInitials();

    private static (string, StanzaHandler)[][] BuildInitials()
    {
        var buckets = new (string, StanzaHandler)[26][];
        for (var letter = 0; letter < buckets.Length; letter++)
        {
            buckets[letter] = [.. Stanzas.Where(s => s.Keyword[0] - 'a' == letter)];
        }

        return buckets;
    }

    /// <summary>The handler of <paramref name="keyword"/>, and the table's own string for it (so naming the stanza allocates nothing).</summary>
    public static StanzaHandler? Find(ReadOnlySpan<char> keyword, out string name)
    {
        name = "";
        if (keyword.IsEmpty || keyword[0] is < 'a' or > 'z')
        {
            return null;
        }

        foreach (var (entry, handler) in ByInitial[keyword[0] - 'a'])
        {
            if (keyword.SequenceEqual(entry))
            {
                name = entry;
                return handler;
            }
        }

        return null;
    }

    /// <summary>True for a setting (as <see cref="SettingName"/> names it) that Upstart 1.13 does not know.</summary>
    public static bool IsBeyondUpstart(string setting) => Array.IndexOf(BeyondUpstartSettings, setting) >= 0;

    /// <summary>
    /// The name show-config gives the setting a stanza makes: `kill timeout` for `kill timeout 30`,
    /// `respawn` for `respawn`, `pre-start` for `pre-start exec …`. Returns one of the table's own strings.
    /// </summary>
    public static string? SettingName(ReadOnlySpan<char> keyword, ReadOnlySpan<char> firstArgument)
    {
        foreach (var name in TwoWordStanzas)
        {
            var space = name.IndexOf(' ', StringComparison.Ordinal);
            if (keyword.SequenceEqual(name.AsSpan(0, space)) && firstArgument.SequenceEqual(name.AsSpan(space + 1)))
            {
                return name;
            }
        }

        foreach (var (name, _) in Stanzas)
        {
            if (keyword.SequenceEqual(name))
            {
                return name;
            }
        }

        return null;
    }
}
