using System.Globalization;
using System.Text;

namespace Upstart.JobFiles.Loading;

/// <summary>
/// Job names come from file paths (`net/apache.conf` → `net/apache`) and end up in log file names,
/// events (`JOB=`), status lines and socket messages, so a hostile file name must never become a job:
/// no `.`/`..` or empty segments, no control, format or other non-printable characters, no blanks,
/// no leading `-` (it would read as an option), and a bounded length.
/// </summary>
public static class JobName
{
    /// <summary>Longest accepted name in characters.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// Longest accepted name in UTF-8 bytes: the job's log file (`JOB.log`, and `JOB.log.times` beside it) must
    /// fit in a Linux file name (NAME_MAX, 255 bytes). 200 characters of a non-Latin script can take 600 bytes,
    /// and a job whose log cannot be created would lose its output.
    /// </summary>
    public const int MaxBytes = 255 - 10; // ".log.times"

    /// <summary>The job name for a path relative to its directory, or null when the file defines no job.</summary>
    public static string? FromRelativePath(string relativePath, string suffix = ".conf")
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        if (!relativePath.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        return relativePath[..^suffix.Length].Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>Null when the name is acceptable, otherwise why not.</summary>
    public static string? Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "empty name";
        }

        if (name.Length > MaxLength)
        {
            return $"longer than {MaxLength} characters";
        }

        if (Encoding.UTF8.GetByteCount(name) is var bytes && bytes > MaxBytes)
        {
            return $"{bytes} bytes in UTF-8, longer than the {MaxBytes} its log file name leaves room for";
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                return "empty, '.' or '..' path segment";
            }

            if (segment[0] == '-')
            {
                return "segment starts with '-'";
            }
        }

        foreach (var rune in name.EnumerateRunes())
        {
            if (!IsPrintable(rune))
            {
                return "control, blank or non-printable character";
            }
        }

        return null;
    }

    /// <summary>
    /// Why an instance name (the expansion of `instance`, from event or request variables) is refused,
    /// naming the character: a control character (C0, DEL, C1) or a line or paragraph separator would
    /// forge lines in `list` and land in log file names; a format character (Unicode category Cf: U+202E
    /// RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, …), another invisible one or half of a surrogate pair
    /// would make a name display as another (<see cref="InvisibleCharacterAt"/>). Null when it is acceptable.
    /// The protocol edge applies the same rule to the names a client sends (RequestArguments); the daemon also
    /// bounds the length by the log file name it makes of it.
    /// </summary>
    public static string? InstanceProblem(string instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        for (var i = 0; i < instance.Length; i++)
        {
            if (char.IsControl(instance[i]) || instance[i] is '\u2028' or '\u2029')
            {
                return $"instance name contains the control character U+{(int)instance[i]:X4} at position {i + 1}";
            }

            if (InvisibleCharacterAt(instance, i))
            {
                return $"instance name contains the invisible or text-reordering character U+{(int)instance[i]:X4} at position {i + 1}";
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the UTF-16 unit at <paramref name="index"/> makes a name display misleadingly: a format character
    /// (Cf: bidirectional overrides, embeddings and isolates, zero-width spaces and joiners, U+FEFF, soft hyphen…),
    /// a lone surrogate, or one of the invisible letters and fillers outside Cf (Hangul fillers U+115F, U+1160,
    /// U+3164, U+FFA0, the combining grapheme joiner U+034F, the Mongolian vowel separator U+180E). Names Upstart
    /// users give instances (host names, interfaces, ttys, paths, words in any script) have none of them.
    /// </summary>
    public static bool InvisibleCharacterAt(string name, int index)
    {
        ArgumentNullException.ThrowIfNull(name);
        var c = name[index];
        if (char.IsHighSurrogate(c))
        {
            return index + 1 >= name.Length || !char.IsLowSurrogate(name[index + 1])
                || CharUnicodeInfo.GetUnicodeCategory(name, index) == UnicodeCategory.Format;
        }

        if (char.IsLowSurrogate(c))
        {
            return index == 0 || !char.IsHighSurrogate(name[index - 1]);
        }

        return CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format
            || c is '\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u034F' or '\u180E';
    }

    /// <summary>The name made safe to print in a diagnostic: anything unprintable as \u escapes, cut short.</summary>
    public static string Sanitize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder();
        foreach (var rune in name.EnumerateRunes())
        {
            if (sb.Length >= 80)
            {
                sb.Append('…');
                break;
            }

            if (IsPrintable(rune) && rune.Value != '\\')
            {
                sb.Append(rune.ToString());
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
            }
        }

        return sb.ToString();
    }

    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
