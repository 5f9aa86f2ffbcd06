using System.Globalization;

namespace Upstart.JobFiles.Model;

/// <summary>
/// Beyond Upstart: seconds with up to three decimals (`0.25`, `30`), the unit of `respawn delay` and of
/// the daemon's `respawnDelay` setting. Upstart's own intervals are whole seconds read by strtol; these
/// are read strictly instead — digits, an optional point and one to three digits, nothing else (no sign,
/// no blanks, no exponent) — so a value means the same thing everywhere it is written.
/// </summary>
public static class Seconds
{
    private const int MaxFractionDigits = 3;

    /// <summary>True when <paramref name="text"/> is such a number no larger than <paramref name="max"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, TimeSpan max, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var point = text.IndexOf('.');
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? [] : text[(point + 1)..];
        if (whole.Length == 0 || (point >= 0 && (fraction.Length == 0 || fraction.Length > MaxFractionDigits)))
        {
            return false;
        }

        long milliseconds = 0;
        foreach (var c in whole)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            milliseconds = (milliseconds * 10) + (c - '0');
            if (milliseconds > (long)max.TotalSeconds)
            {
                return false;
            }
        }

        milliseconds *= 1000;
        var scale = 100;
        foreach (var c in fraction)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            milliseconds += (c - '0') * scale;
            scale /= 10;
        }

        value = TimeSpan.FromMilliseconds(milliseconds);
        return value <= max;
    }

    /// <summary>The shortest form that reads back the same: `2`, `0.5`, `1.25`.</summary>
    public static string Format(TimeSpan value) =>
        ((decimal)value.Ticks / TimeSpan.TicksPerSecond).ToString("0.###", CultureInfo.InvariantCulture);
}
