namespace Upstart.JobFiles.Parsing;

/// <summary>
/// `script … end script` and the other blocks (nih_config_parse_block and its end-line test): read line by line
/// as raw text, not token by token.
/// </summary>
internal sealed partial class ConfigTokenizer
{
    /// <summary>
    /// nih_config_parse_block: lines up to `end TYPE`, with the leading whitespace they share with the
    /// first line removed (measured from the first line and shrinking).
    /// </summary>
    public bool ParseBlock(ref Cursor c, string type, out string block)
    {
        var text = _text;
        int shStart = c.Pos, shEnd = 0, ws = 0, lines = 0;
        block = "";

        while (!BlockEnd(ref c, type, ref shEnd))
        {
            lines++;
            var lineStart = c.Pos;
            var p = c.Pos;
            if (lines == 1)
            {
                while (p < text.Length && IsBlank(text[p]))
                {
                    p++;
                }

                ws = p - lineStart;
            }
            else
            {
                while (p < text.Length && p - lineStart < ws && text[shStart + p - lineStart] == text[p])
                {
                    p++;
                }

                if (p - lineStart < ws)
                {
                    ws = p - lineStart;
                }
            }

            c.Pos = p;
            NextLine(ref c);
            if (c.Pos >= text.Length)
            {
                return Raise(ParseErrors.UnterminatedBlock);
            }
        }

        _length = 0;
        var pp = shStart;
        while (pp < shEnd)
        {
            pp += ws;
            var start = pp;
            while (text[pp++] != '\n')
            {
            }

            Append(text.AsSpan(start, pp - start));
        }

        block = new string(_buffer, 0, _length);
        return true;
    }

    /// <summary>nih_config_block_end: is this line `[ws]end[ws+]TYPE[ws][#comment]`?</summary>
    private bool BlockEnd(ref Cursor c, string type, ref int endPos)
    {
        var text = _text;
        var p = c.Pos;
        while (p < text.Length && IsBlank(text[p]))
        {
            p++;
        }

        if (text.Length - p < 4 || !text.AsSpan(p, 3).SequenceEqual("end") || !IsBlank(text[p + 3]))
        {
            return false;
        }

        p += 3;
        while (p < text.Length && IsBlank(text[p]))
        {
            p++;
        }

        if (text.Length - p < type.Length || !text.AsSpan(p, type.Length).SequenceEqual(type))
        {
            return false;
        }

        p += type.Length;
        while (p < text.Length && IsBlank(text[p]))
        {
            p++;
        }

        if (p < text.Length && text[p] == '#')
        {
            while (p < text.Length && text[p] != '\n')
            {
                p++;
            }
        }

        if (p < text.Length && text[p] != '\n')
        {
            return false;
        }

        if (p < text.Length)
        {
            c.Line++;
            p++;
        }

        endPos = c.Pos;
        c.Pos = p;
        return true;
    }
}
