namespace Upstart.JobFiles.Parsing;

/// <summary>The outcome of a C strtol/strtoul call: the value, whether the whole string was used, and ERANGE.</summary>
internal readonly record struct CNumberResult<T>(T Value, bool Complete, bool Overflow)
{
    /// <summary>errno == 0 and *endptr == '\0': how every Upstart stanza decides a number is well formed.</summary>
    public bool IsValid => Complete && !Overflow;
}

/// <summary>
/// C's strtol and strtoul on x86-64 (long is 64 bits), as Upstart's stanza handlers call them: leading
/// isspace is skipped, a sign is allowed (strtoul negates in unsigned arithmetic, so "-1" is ULONG_MAX),
/// an empty digit run gives 0 with the end pointer at the start, and overflow saturates with ERANGE.
/// </summary>
internal static class CNumber
{
    public static CNumberResult<long> Strtol(ReadOnlySpan<char> s, int radix)
    {
        var (magnitude, negative, end, overflow) = Scan(s, radix);
        long value;
        if (negative)
        {
            overflow |= magnitude > (ulong)long.MaxValue + 1;
            value = overflow ? long.MinValue : unchecked(-(long)magnitude);
        }
        else
        {
            overflow |= magnitude > long.MaxValue;
            value = overflow ? long.MaxValue : (long)magnitude;
        }

        return new CNumberResult<long>(value, end == s.Length, overflow);
    }

    public static CNumberResult<ulong> Strtoul(ReadOnlySpan<char> s, int radix)
    {
        var (magnitude, negative, end, overflow) = Scan(s, radix);
        var value = overflow ? ulong.MaxValue : negative ? unchecked(0UL - magnitude) : magnitude;
        return new CNumberResult<ulong>(value, end == s.Length, overflow);
    }

    private static (ulong Magnitude, bool Negative, int End, bool Overflow) Scan(ReadOnlySpan<char> s, int radix)
    {
        var i = 0;
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
        {
            i++;
        }

        var negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }

        var digitsStart = i;
        ulong magnitude = 0;
        var overflow = false;
        while (i < s.Length)
        {
            var digit = s[i] - '0';
            if (digit < 0 || digit >= radix)
            {
                break;
            }

            if (!overflow)
            {
                var next = unchecked((magnitude * (ulong)radix) + (ulong)digit);
                if (magnitude > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
                {
                    overflow = true;
                }
                else
                {
                    magnitude = next;
                }
            }

            i++;
        }

        // No digits: the end pointer is the start of the string, so only "" counts as complete.
        var end = i == digitsStart ? 0 : i;
        return (magnitude, negative, end, overflow);
    }
}
