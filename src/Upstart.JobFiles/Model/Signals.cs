namespace Upstart.JobFiles.Model;

/// <summary>
/// Signal names and numbers as libnih's nih/signal.c knows them, with Linux x86-64 numbering. Names are
/// case-sensitive and may carry a `SIG` prefix (`TERM` or `SIGTERM`). A number with several names maps
/// back to the first one in the table (6 → ABRT, 17 → CHLD, 29 → IO).
/// </summary>
public static class Signals
{
    private static readonly (string Name, int Number)[] Table =
    [
        ("HUP", 1), ("INT", 2), ("QUIT", 3), ("ILL", 4), ("TRAP", 5), ("ABRT", 6), ("IOT", 6),
        ("BUS", 7), ("FPE", 8), ("KILL", 9), ("USR1", 10), ("SEGV", 11), ("USR2", 12), ("PIPE", 13),
        ("ALRM", 14), ("TERM", 15), ("STKFLT", 16), ("CHLD", 17), ("CLD", 17), ("CONT", 18),
        ("STOP", 19), ("TSTP", 20), ("TTIN", 21), ("TTOU", 22), ("URG", 23), ("XCPU", 24),
        ("XFSZ", 25), ("VTALRM", 26), ("PROF", 27), ("WINCH", 28), ("IO", 29), ("POLL", 29),
        ("PWR", 30), ("SYS", 31),
    ];

    /// <summary>nih_signal_from_name: the number for `NAME` or `SIGNAME`, or -1.</summary>
    public static int FromName(ReadOnlySpan<char> name)
    {
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }

        return FromShortName(name);
    }

    /// <summary>The number for a short name without the `SIG` prefix (`TERM`), or -1.</summary>
    public static int FromShortName(ReadOnlySpan<char> name)
    {
        foreach (var (n, number) in Table)
        {
            if (name.SequenceEqual(n))
            {
                return number;
            }
        }

        return -1;
    }

    /// <summary>The short name (`TERM`) of a signal number, or null when it has none.</summary>
    public static string? ToName(int number)
    {
        foreach (var (n, num) in Table)
        {
            if (num == number)
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>The short name, or the decimal number for a signal without a name (`EXIT_SIGNAL=47`).</summary>
    public static string NameOrNumber(int number) =>
        ToName(number) ?? number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
