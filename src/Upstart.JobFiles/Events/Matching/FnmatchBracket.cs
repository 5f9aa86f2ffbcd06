namespace Upstart.JobFiles.Events.Matching;

/// <summary>
/// The `[…]` element of <see cref="Fnmatch"/>: one bracket expression matched against one character, as glibc's
/// fnmatch does it in the C locale.
/// </summary>
internal static class FnmatchBracket
{
    /// <summary>glibc's limit on a `[:class:]` name; a longer one makes the bracket fail.</summary>
    private const int CharClassMaxLength = 256;

    /// <summary>
    /// Matches <paramref name="fn"/> against the bracket expression opening at <paramref name="open"/>; returns the
    /// index after its `]`, or <see cref="Fnmatch.NoMatch"/>. Follows glibc's fnmatch in the C locale step by step,
    /// quirks included: a leading `]` is a member; `[:class:]`, `[=c=]` and `[.c.]` (single characters only); ranges
    /// by code point; an unterminated bracket is a literal `[` unless the character already matched
    /// a member, in which case (like a malformed class, or a trailing backslash) nothing matches here.
    /// </summary>
    public static int Match(ReadOnlySpan<char> pattern, int open, char fn)
    {
        var i = open + 1;
        var negate = At(pattern, i) is '!' or '^';
        if (negate)
        {
            i++;
        }

        var c = At(pattern, i++);
        while (true)
        {
            char low;
            if (c == '\\')
            {
                if (At(pattern, i) == '\0')
                {
                    return Fnmatch.NoMatch;
                }

                low = pattern[i++];
            }
            else if (c == '[' && At(pattern, i) == ':')
            {
                var nameStart = i + 1;
                var j = nameStart;
                var isClass = true;
                while (true)
                {
                    if (j - nameStart == CharClassMaxLength)
                    {
                        return Fnmatch.NoMatch;
                    }

                    var k = At(pattern, j);
                    if (k == ':' && At(pattern, j + 1) == ']')
                    {
                        break;
                    }

                    // glibc's test really is `c < 'a' || c >= 'z'`: not a class, so `[` is a member.
                    if (k is < 'a' or >= 'z')
                    {
                        isClass = false;
                        break;
                    }

                    j++;
                }

                if (isClass)
                {
                    if (!TryMatchClass(pattern[nameStart..j], fn, out var inClass))
                    {
                        return Fnmatch.NoMatch;
                    }

                    i = j + 2;
                    if (inClass)
                    {
                        return SkipRestOfBracket(pattern, i, negate);
                    }

                    c = At(pattern, i++);
                    if (c == ']')
                    {
                        break;
                    }

                    continue;
                }

                low = '[';
            }
            else if (c == '[' && At(pattern, i) == '=' && At(pattern, i + 1) != '\0'
                && At(pattern, i + 2) == '=' && At(pattern, i + 3) == ']')
            {
                // [=c=]: the C locale's equivalence class of c is just c.
                var member = pattern[i + 1];
                i += 4;
                if (member == fn)
                {
                    return SkipRestOfBracket(pattern, i, negate);
                }

                c = At(pattern, i++);
                if (c == ']')
                {
                    break;
                }

                continue;
            }
            else if (c == '\0')
            {
                // Unterminated: the `[` is an ordinary character.
                return fn == '[' ? open + 1 : Fnmatch.NoMatch;
            }
            else if (c == '[' && At(pattern, i) == '.')
            {
                if (!TryReadCollatingSymbol(pattern, ref i, out low))
                {
                    return Fnmatch.NoMatch;
                }

                // glibc: after a collating symbol a `-` starts a range even before `]`.
                if (!(At(pattern, i) == '-' && At(pattern, i + 1) != '\0') && low == fn)
                {
                    return SkipRestOfBracket(pattern, i, negate);
                }

                c = At(pattern, i++);
                goto range;
            }
            else
            {
                low = c;
            }

            if (!(At(pattern, i) == '-' && At(pattern, i + 1) is not '\0' and not ']') && low == fn)
            {
                return SkipRestOfBracket(pattern, i, negate);
            }

            c = At(pattern, i++);

        range:
            if (c == '-' && At(pattern, i) != ']')
            {
                var high = At(pattern, i++);
                if (high == '[' && At(pattern, i) == '.')
                {
                    if (!TryReadCollatingSymbol(pattern, ref i, out high))
                    {
                        return Fnmatch.NoMatch;
                    }
                }
                else
                {
                    if (high == '\\')
                    {
                        high = At(pattern, i++);
                    }

                    if (high == '\0')
                    {
                        return Fnmatch.NoMatch;
                    }
                }

                // C locale: ranges compare code points; a reversed range matches nothing.
                if (low <= fn && fn <= high)
                {
                    return SkipRestOfBracket(pattern, i, negate);
                }

                c = At(pattern, i++);
            }

            if (c == ']')
            {
                break;
            }
        }

        return negate ? i : Fnmatch.NoMatch;
    }

    /// <summary>Reads `[.c.]` with <paramref name="i"/> on the `.`; only one-character symbols exist in the C locale.</summary>
    private static bool TryReadCollatingSymbol(ReadOnlySpan<char> pattern, ref int i, out char symbol)
    {
        symbol = '\0';
        var start = i + 1;
        var j = start;
        while (!(At(pattern, j) == '.' && At(pattern, j + 1) == ']'))
        {
            if (At(pattern, j) == '\0')
            {
                return false;
            }

            j++;
        }

        if (j - start != 1)
        {
            return false;
        }

        symbol = pattern[start];
        i = j + 2;
        return true;
    }

    /// <summary>
    /// After a member matched: finds the closing `]` the way glibc (2.36) skips the rest, with its
    /// own, looser reading of classes, failing on an unterminated bracket.
    /// </summary>
    private static int SkipRestOfBracket(ReadOnlySpan<char> pattern, int i, bool negate)
    {
        char c;
        while ((c = At(pattern, i++)) != ']')
        {
            if (c == '\0')
            {
                return Fnmatch.NoMatch;
            }

            if (c == '\\')
            {
                if (At(pattern, i) == '\0')
                {
                    return Fnmatch.NoMatch;
                }

                i++;
            }
            else if (c == '[' && At(pattern, i) == ':')
            {
                var start = i;
                var length = 0;
                while (true)
                {
                    c = At(pattern, ++i);
                    if (++length == CharClassMaxLength)
                    {
                        return Fnmatch.NoMatch;
                    }

                    if (c == ':' && At(pattern, i + 1) == ']')
                    {
                        break;
                    }

                    if (c is < 'a' or >= 'z')
                    {
                        // Not a class: carry on from the `:` as ordinary characters.
                        i = start - 2;
                        break;
                    }
                }

                i += 2;
            }
            else if (c == '[' && At(pattern, i) == '=')
            {
                if (At(pattern, i + 1) == '\0' || At(pattern, i + 2) != '=' || At(pattern, i + 3) != ']')
                {
                    return Fnmatch.NoMatch;
                }

                i += 4;
            }
            else if (c == '[' && At(pattern, i) == '.')
            {
                while (true)
                {
                    c = At(pattern, ++i);
                    if (c == '\0')
                    {
                        return Fnmatch.NoMatch;
                    }

                    if (c == '.' && At(pattern, i + 1) == ']')
                    {
                        break;
                    }
                }

                i += 2;
            }
        }

        return negate ? Fnmatch.NoMatch : i;
    }

    private static char At(ReadOnlySpan<char> pattern, int i) => i < pattern.Length ? pattern[i] : '\0';

    private static bool TryMatchClass(ReadOnlySpan<char> name, char c, out bool inClass)
    {
        // The POSIX classes with their C-locale (ASCII) membership.
        inClass = name switch
        {
            "alnum" => char.IsAsciiLetterOrDigit(c),
            "alpha" => char.IsAsciiLetter(c),
            "blank" => c is ' ' or '\t',
            "cntrl" => c < 0x20 || c == 0x7f,
            "digit" => char.IsAsciiDigit(c),
            "graph" => c is > ' ' and < (char)0x7f,
            "lower" => char.IsAsciiLetterLower(c),
            "print" => c is >= ' ' and < (char)0x7f,
            "punct" => c is > ' ' and < (char)0x7f && !char.IsAsciiLetterOrDigit(c),
            "space" => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r',
            "upper" => char.IsAsciiLetterUpper(c),
            "xdigit" => char.IsAsciiHexDigit(c),
            _ => false,
        };

        return name is "alnum" or "alpha" or "blank" or "cntrl" or "digit" or "graph" or "lower"
            or "print" or "punct" or "space" or "upper" or "xdigit";
    }
}
