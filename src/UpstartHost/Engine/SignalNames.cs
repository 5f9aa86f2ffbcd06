using System.Globalization;

namespace UpstartHost.Engine;

/// <summary>
/// Short signal names as libnih's nih_signal_to_name gives them (Linux x86-64 numbering): the first name
/// listed for a number wins (6 is ABRT, 17 CHLD, 29 IO), and a number with no name is written as digits
/// (`EXIT_SIGNAL=47`, UPSTART.md §c.3).
/// </summary>
public static class SignalNames
{
    private static readonly string?[] ByNumber =
    [
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    private static readonly Dictionary<string, int> Aliases = new(StringComparer.Ordinal)
    {
        ["IOT"] = 6,
        ["CLD"] = 17,
        ["POLL"] = 29,
    };

    public const int Kill = 9;

    /// <summary>"TERM" for 15, "47" for a number with no name.</summary>
    public static string ToShortName(int signal) =>
        signal > 0 && signal < ByNumber.Length && ByNumber[signal] is { } name
            ? name
            : signal.ToString(CultureInfo.InvariantCulture);

    /// <summary>Accepts TERM, SIGTERM or a decimal number (case-sensitive, as init(5)).</summary>
    public static bool TryParse(string text, out int signal)
    {
        var name = text.StartsWith("SIG", StringComparison.Ordinal) ? text[3..] : text;
        for (var i = 1; i < ByNumber.Length; i++)
        {
            if (ByNumber[i] == name)
            {
                signal = i;
                return true;
            }
        }

        if (Aliases.TryGetValue(name, out signal))
        {
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out signal);
    }
}
