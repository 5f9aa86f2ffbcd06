namespace UpstartPS.Protocol;

/// <summary>
/// The one rule for each argument a request carries. The daemon applies it at the protocol edge
/// (the server's dispatcher) before anything else sees the request, so the layers below take their
/// arguments as given; a front end applies it only to what it uses itself without asking the daemon
/// (upstartctl's instance expansion for <c>status JOB K=V</c>).
/// </summary>
public static class RequestArguments
{
    /// <summary>
    /// Linux's MAX_ARG_STRLEN: the most bytes one environment string may have, its NUL included. A longer one makes
    /// every exec of a job that has it fail (E2BIG), so set-env refuses it.
    /// </summary>
    public const int MaxEnvironmentEntryBytes = 131072;

    /// <summary>initctl's text for an environment entry that breaks <see cref="IsEnvironmentEntry"/>.</summary>
    public const string BadEnvironmentMessage = "Env must be KEY=VALUE pairs";

    /// <summary>The Unicode space separators (char.IsWhiteSpace less the control characters refused anyway).</summary>
    private static readonly System.Buffers.SearchValues<char> Blanks = System.Buffers.SearchValues.Create(
        " \u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000");

    /// <summary>
    /// KEY=VALUE with a non-empty KEY (Upstart's environ_valid). No NUL: the entry ends up in a C
    /// environment block, where a NUL would silently cut it short.
    /// </summary>
    public static bool IsEnvironmentEntry(string? entry) =>
        entry is not null && entry.IndexOf('=', StringComparison.Ordinal) > 0 && !entry.Contains('\0', StringComparison.Ordinal);

    /// <summary>
    /// The first character of <paramref name="name"/> that may not stand in a job, instance or event
    /// name, or -1: a control character (C0, DEL, C1), a line or paragraph separator, or an invisible or
    /// text-reordering one (<see cref="IsInvisibleAt"/>). Names end up in status lines, log file names and
    /// terminals, where a newline forges a line (<c>fake start/running, process 1</c>), an escape sequence
    /// rewrites the screen and U+202E shows <c>web-nimda</c> as <c>web-admin</c>.
    /// </summary>
    public static int FindForbiddenCharacter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsControl(name[i]) || name[i] is '\u2028' or '\u2029' || IsInvisibleAt(name, i))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// A format character (Unicode category Cf: U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, …), a lone
    /// surrogate, or an invisible filler outside Cf: a name displayed with one reads as another name. The same rule
    /// as Upstart.JobFiles' JobName.InvisibleCharacterAt (which this assembly, loaded by the module, does not reference).
    /// </summary>
    private static bool IsInvisibleAt(string name, int index)
    {
        var c = name[index];
        if (char.IsHighSurrogate(c))
        {
            return index + 1 >= name.Length || !char.IsLowSurrogate(name[index + 1])
                || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(name, index) == System.Globalization.UnicodeCategory.Format;
        }

        if (char.IsLowSurrogate(c))
        {
            return index == 0 || !char.IsHighSurrogate(name[index - 1]);
        }

        return System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format
            || c is '\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u034F' or '\u180E';
    }

    /// <summary>Why <paramref name="name"/> is refused, naming the character and where it is; null when it is acceptable.</summary>
    public static string? NameProblem(string what, string name)
    {
        var at = FindForbiddenCharacter(name);
        if (at < 0)
        {
            return null;
        }

        var kind = char.IsControl(name[at]) || name[at] is '\u2028' or '\u2029' ? "control" : "invisible or text-reordering";
        return $"{what} contains the {kind} character U+{(int)name[at]:X4} at position {at + 1}";
    }

    /// <summary>
    /// A non-empty name without blanks or control characters: a job file names events in
    /// whitespace-separated <c>start on</c>/<c>stop on</c> expressions, so an event whose name has a
    /// blank could never be matched.
    /// </summary>
    public static bool IsEventName(string? name) => EventNameProblem(name) is null;

    /// <summary>Why an event name is refused (missing, a blank, a control character), or null.</summary>
    public static string? EventNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "missing event name";
        }

        if (NameProblem("event name", name) is { } problem)
        {
            return problem;
        }

        var blank = name.AsSpan().IndexOfAny(Blanks);
        return blank < 0 ? null : $"event name contains a blank at position {blank + 1}";
    }

    /// <summary>A job name or status pattern: non-empty, no control character; an unknown one is the engine's UnknownJob.</summary>
    public static bool IsJobName(string? name) => JobNameProblem(name) is null;

    /// <summary>Why a job name or pattern is refused, or null.</summary>
    public static string? JobNameProblem(string? name) =>
        string.IsNullOrEmpty(name) ? "missing job name" : NameProblem("job name", name);

    /// <summary>
    /// Throws BadEnvironment unless every entry is KEY=VALUE: initctl's text for a malformed entry, and
    /// its own words for a NUL, which initctl could never have been handed on a command line.
    /// </summary>
    public static void CheckEnvironment(IEnumerable<string?> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            if (IsEnvironmentEntry(entry))
            {
                continue;
            }

            var eq = entry?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            if (eq > 0 && entry!.Contains('\0', StringComparison.Ordinal))
            {
                var key = entry[..eq].Replace("\0", "\\0", StringComparison.Ordinal);
                throw new UpstartException(UpstartErrorCode.BadEnvironment, $"Env {key} contains a NUL character (U+0000), which cannot be passed to a process");
            }

            throw new UpstartException(UpstartErrorCode.BadEnvironment, BadEnvironmentMessage);
        }
    }

    /// <summary>
    /// Why a set-env entry (VAR, meaning VAR with an empty value, or VAR=VALUE) is refused, or null. The
    /// name follows <see cref="VariableNameProblem"/>; the value may hold anything but NUL (a job's
    /// environment block ends an entry at the first NUL).
    /// </summary>
    public static string? SetEnvironmentProblem(string? entry)
    {
        if (string.IsNullOrEmpty(entry))
        {
            return "Variable may not be empty string";
        }

        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        var name = eq < 0 ? entry : entry[..eq];
        if (VariableNameProblem(name) is { } problem)
        {
            return problem;
        }

        if (eq >= 0 && entry.AsSpan(eq).Contains('\0'))
        {
            return $"Env {name} contains a NUL character (U+0000), which cannot be passed to a process";
        }

        var bytes = System.Text.Encoding.UTF8.GetByteCount(entry) + (eq < 0 ? 2 : 1);
        return bytes > MaxEnvironmentEntryBytes
            ? $"Env {name} is {bytes - 1} bytes; a process's environment entry may hold at most {MaxEnvironmentEntryBytes - 1} (Linux's MAX_ARG_STRLEN)"
            : null;
    }

    /// <summary>
    /// Why a variable name (get-env, unset-env, the name part of set-env) is refused, or null: empty
    /// (initctl's text), an `=` (it would end the name), or a control character (list-env prints one line
    /// per variable, and a newline in a name would forge another).
    /// </summary>
    public static string? VariableNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "Variable may not be empty string";
        }

        if (NameProblem("variable name", name) is { } problem)
        {
            return problem;
        }

        return name.Contains('=', StringComparison.Ordinal) ? $"Variable name {name} contains '='" : null;
    }
}
