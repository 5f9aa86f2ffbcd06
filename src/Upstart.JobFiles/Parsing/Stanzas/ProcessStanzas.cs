using System.Collections.Immutable;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>
/// exec, script and the pre-start / post-start / pre-stop / post-stop forms (init(5) "Process
/// definition"). `exec` and `script` replace each other; the last one wins.
/// </summary>
internal static class ProcessStanzas
{
    public static bool Exec(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        ParseExec(t, job, ProcessKind.Main, ref at);

    public static bool Script(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        ParseScript(t, job, ProcessKind.Main, ref at);

    public static bool PreStart(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        ParseProcess(t, job, ProcessKind.PreStart, ref at);

    public static bool PostStart(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        ParseProcess(t, job, ProcessKind.PostStart, ref at);

    public static bool PreStop(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        ParseProcess(t, job, ProcessKind.PreStop, ref at);

    public static bool PostStop(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        ParseProcess(t, job, ProcessKind.PostStop, ref at);

    /// <summary>UpstartPS's check before restart/reload; parsed exactly like pre-start (Upstart 1.13 has no such stanza).</summary>
    public static bool PreRestart(ConfigTokenizer t, JobParseState job, ref Cursor at) =>
        ParseProcess(t, job, ProcessKind.PreRestart, ref at);

    /// <summary>`P exec CMD` or `P script`; another word is an unknown stanza.</summary>
    private static bool ParseProcess(ConfigTokenizer t, JobParseState job, ProcessKind kind, ref Cursor at)
    {
        var a = at;
        if (!t.NextToken(ref a, Delimiters.Blank, dequote: false))
        {
            at = a;
            return false;
        }

        bool ok;
        if (t.Token.SequenceEqual("exec"))
        {
            ok = ParseExec(t, job, kind, ref a);
        }
        else if (t.Token.SequenceEqual("script"))
        {
            ok = ParseScript(t, job, kind, ref a);
        }
        else
        {
            return t.Raise(ParseErrors.UnknownStanza);
        }

        at = a;
        return ok;
    }

    /// <summary>The rest of the line, verbatim with its quotes, is the command.</summary>
    private static bool ParseExec(ConfigTokenizer t, JobParseState job, ProcessKind kind, ref Cursor at)
    {
        if (!t.HasToken(at))
        {
            return t.Raise(ParseErrors.ExpectedToken);
        }

        var line = at.Line;
        if (!t.ParseCommand(ref at, out var command))
        {
            Define(job, kind, null);
            return false;
        }

        Define(job, kind, new ProcessDefinition(IsScript: false, command, line));
        return true;
    }

    /// <summary>Nothing may follow `script`; the block runs to `end script`.</summary>
    private static bool ParseScript(ConfigTokenizer t, JobParseState job, ProcessKind kind, ref Cursor at)
    {
        var line = at.Line;
        if (!t.SkipComment(ref at))
        {
            return false;
        }

        if (!t.ParseBlock(ref at, "script", out var block))
        {
            Define(job, kind, null);
            return false;
        }

        Define(job, kind, new ProcessDefinition(IsScript: true, block, line));
        return true;
    }

    /// <summary>Sets the <paramref name="kind"/> process, or removes it (a failed stanza leaves none, as in Upstart).</summary>
    internal static void Define(JobParseState job, ProcessKind kind, ProcessDefinition? process)
    {
        var processes = job.Current.Processes;
        Field.Processes.Set(job, process is null ? processes.Remove(kind) : processes.SetItem(kind, process));
    }

    /// <summary>The JobClassConfig properties these handlers set.</summary>
    private static class Field
    {
        public static readonly JobField<ImmutableDictionary<ProcessKind, ProcessDefinition>> Processes = new(nameof(JobClassConfig.Processes));
    }
}
