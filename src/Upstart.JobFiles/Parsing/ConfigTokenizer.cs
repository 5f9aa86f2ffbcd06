namespace Upstart.JobFiles.Parsing;

/// <summary>
/// Upstart's job-file tokeniser, a faithful port of libnih's nih/config.c (the version Upstart 1.13.2
/// builds against): argument tokens, commands, `script … end script` blocks, comments and line
/// continuation (UPSTART.md §0). It records the first error raised; the caller decides where the
/// cursor stands when it is reported.
///
/// Two C quirks are kept on purpose because they decide what real files mean: a NUL character counts as
/// a blank and as a delimiter (strchr finds the terminator), and a backslash before an ordinary
/// character right after blanks in a command shifts the copied blanks by one (`exec a \*`).
/// `script … end script` blocks, read line by line rather than token by token, are in ConfigTokenizer.Blocks.cs.
/// </summary>
internal sealed partial class ConfigTokenizer
{
    private readonly string _text;
    /// <summary>The token buffer of the last tokenizer released on this thread: files are parsed by the thousand.</summary>
    [ThreadStatic]
    private static char[]? t_spare;

    private char[] _buffer;
    private int _length;
    private Expressions.EventExpressionTokenizer? _expressions;

    /// <summary>Every character the scanning rules treat specially (escapes, quotes, blanks, every delimiter set).</summary>
    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create("\\\"' \t\r\0\n#()");

    public ConfigTokenizer(string text)
    {
        _text = text;
        _buffer = t_spare ?? new char[128];
        t_spare = null;
    }

    /// <summary>
    /// Done with this text: the token buffer goes back for the next tokenizer on this thread (unless a
    /// huge token grew it). Nothing may be read from this tokenizer afterwards.
    /// </summary>
    public void Release()
    {
        if (_buffer.Length <= MaxSpareLength)
        {
            t_spare = _buffer;
        }

        _buffer = [];
        _length = 0;
    }

    private const int MaxSpareLength = 4096;

    public string Text => _text;

    /// <summary>The tokenizer for `start on` / `stop on` expressions over this text (made once per file).</summary>
    public Expressions.EventExpressionTokenizer Expressions => _expressions ??= new(this);

    public int Length => _text.Length;

    /// <summary>The first error raised (kind), or null.</summary>
    public string? ErrorKind { get; private set; }

    /// <summary>The message of the first error raised.</summary>
    public string? ErrorMessage { get; private set; }

    /// <summary>The last token copied, cut at the first NUL as a C string would be.</summary>
    public ReadOnlySpan<char> Token
    {
        get
        {
            var span = _buffer.AsSpan(0, _length);
            var nul = span.IndexOf('\0');
            return nul < 0 ? span : span[..nul];
        }
    }

    public string TokenString() => new(Token);

    /// <summary>libnih WS: space, tab and CR (and NUL, see the class comment).</summary>
    public static bool IsBlank(char c) => c is ' ' or '\t' or '\r' or '\0';

    /// <summary>libnih CNL: `#` and newline (and NUL).</summary>
    public static bool IsCommentOrNewline(char c) => c is '#' or '\n' or '\0';

    /// <summary>Records an error; always returns false so handlers can `return Raise(...)`.</summary>
    public bool Raise(string kind, string? message = null)
    {
        if (ErrorKind is null)
        {
            ErrorKind = kind;
            ErrorMessage = message ?? ParseErrors.MessageFor(kind);
        }

        return false;
    }

    /// <summary>Forgets the recorded error, for a caller that has decided an earlier one wins.</summary>
    public void ClearError()
    {
        ErrorKind = null;
        ErrorMessage = null;
    }

    /// <summary>nih_config_has_token: not at end of file, a comment or a newline.</summary>
    public bool HasToken(in Cursor c) => c.Pos < _text.Length && !IsCommentOrNewline(_text[c.Pos]);

    /// <summary>nih_config_token: scans one token, copying it (dequoted if asked) into the token buffer.</summary>
    public bool ScanToken(ref Cursor c, Delimiters delimiters, bool dequote, out int tokenLength)
    {
        var text = _text;
        int p = c.Pos, start = p, ws = 0, nlws = 0, qc = 0;
        bool slash = false, nl = false;
        var quote = '\0';
        _length = 0;
        tokenLength = 0;

        for (; p < text.Length; p++)
        {
            if (!slash && quote == '\0' && ws == 0 && !nl)
            {
                // Fast path, same result: with nothing pending, every character that is not special to
                // any of the rules below is copied as it is, so a run of them is copied at once.
                var run = text.AsSpan(p).IndexOfAny(Special);
                if (run < 0)
                {
                    run = text.Length - p;
                }

                if (run > 0)
                {
                    Append(text.AsSpan(p, run));
                    p += run;
                    if (p == text.Length)
                    {
                        break;
                    }
                }
            }

            var ch = text[p];
            int extra = 0;
            var isQuote = false;

            if (slash)
            {
                slash = false;
                if (ch == '\n')
                {
                    nlws++;
                    nl = true;
                    c.Line++;
                    continue;
                }
                else if (ch == '\\' || IsBlank(ch))
                {
                    extra++;
                    if (dequote)
                    {
                        qc++;
                    }
                }
                else
                {
                    Append('\\');
                }
            }
            else if (ch == '\\')
            {
                slash = true;
                continue;
            }
            else if (quote != '\0')
            {
                if (ch == quote)
                {
                    quote = '\0';
                    isQuote = true;
                }
                else if (ch == '\n')
                {
                    nl = true;
                    c.Line++;
                    continue;
                }
                else if (IsBlank(ch))
                {
                    ws++;
                    continue;
                }
            }
            else if (ch is '"' or '\'')
            {
                quote = ch;
                isQuote = true;
            }
            else if (IsDelimiter(ch, delimiters))
            {
                break;
            }
            else if (IsBlank(ch))
            {
                ws++;
                continue;
            }

            if (nl)
            {
                // A newline (escaped, or inside quotes) becomes one space; blanks around it are lost.
                nlws += ws;
                Append(' ');
            }
            else if (ws > 0)
            {
                Append(text.AsSpan(p - ws - extra, ws));
            }

            if (extra > 0 && !dequote)
            {
                Append(text.AsSpan(p - extra, extra));
            }

            if (!(isQuote && dequote))
            {
                Append(ch);
            }
            else
            {
                qc++;
            }

            ws = 0;
            nl = false;
        }

        c.Pos = p;
        if (slash)
        {
            return Raise(ParseErrors.TrailingSlash);
        }

        if (quote != '\0')
        {
            return Raise(ParseErrors.UnterminatedQuote);
        }

        tokenLength = p - start - ws - nlws - qc;
        return true;
    }

    /// <summary>nih_config_next_token: a non-empty token, then the blanks (and escaped newlines) after it.</summary>
    public bool NextToken(ref Cursor c, Delimiters delimiters, bool dequote)
    {
        if (!ScanToken(ref c, delimiters, dequote, out var tokenLength))
        {
            return false;
        }

        if (tokenLength == 0)
        {
            return Raise(ParseErrors.ExpectedToken);
        }

        SkipWhitespace(ref c);
        return true;
    }

    /// <summary>nih_config_next_arg: a dequoted argument.</summary>
    public bool NextArgument(ref Cursor c, out string argument)
    {
        if (!NextToken(ref c, Delimiters.Blank, dequote: true))
        {
            argument = "";
            return false;
        }

        argument = TokenString();
        return true;
    }

    /// <summary>nih_config_skip_whitespace: blanks and backslash-newline pairs.</summary>
    public void SkipWhitespace(ref Cursor c)
    {
        var text = _text;
        while (c.Pos < text.Length)
        {
            var ch = text[c.Pos];
            if (ch == '\\')
            {
                if (text.Length - c.Pos > 1 && text[c.Pos + 1] == '\n')
                {
                    c.Pos++;
                }
                else
                {
                    break;
                }
            }
            else if (!IsBlank(ch))
            {
                break;
            }

            if (text[c.Pos] == '\n')
            {
                c.Line++;
            }

            c.Pos++;
        }
    }

    /// <summary>nih_config_next_line: skips to just past the next newline.</summary>
    public void NextLine(ref Cursor c)
    {
        var rest = _text.AsSpan(c.Pos);
        var nl = rest.IndexOf('\n');
        if (nl < 0)
        {
            c.Pos = _text.Length;
            return;
        }

        c.Pos += nl + 1;
        c.Line++;
    }

    /// <summary>nih_config_skip_comment: only a comment may follow; anything else is "Unexpected token".</summary>
    public bool SkipComment(ref Cursor c)
    {
        if (HasToken(c))
        {
            return Raise(ParseErrors.UnexpectedToken);
        }

        NextLine(ref c);
        return true;
    }

    /// <summary>nih_config_parse_args: every argument to the end of the line.</summary>
    public bool ParseArguments(ref Cursor c, List<string> into)
    {
        while (HasToken(c))
        {
            if (!NextArgument(ref c, out var argument))
            {
                return false;
            }

            into.Add(argument);
        }

        NextLine(ref c);
        return true;
    }

    /// <summary>nih_config_parse_command: the rest of the line, quotes kept, up to an unquoted `#`.</summary>
    public bool ParseCommand(ref Cursor c, out string command)
    {
        if (!ScanToken(ref c, Delimiters.CommentOrNewline, dequote: false, out _))
        {
            command = "";
            return false;
        }

        command = TokenString();
        NextLine(ref c);
        return true;
    }

    private static bool IsDelimiter(char c, Delimiters delimiters) => delimiters switch
    {
        Delimiters.CommentOrNewline => IsCommentOrNewline(c),
        Delimiters.Blank => IsCommentOrNewline(c) || IsBlank(c),
        _ => IsCommentOrNewline(c) || IsBlank(c) || c is '(' or ')',
    };

    private void Append(char c)
    {
        if (_length == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        _buffer[_length++] = c;
    }

    private void Append(ReadOnlySpan<char> s)
    {
        if (_length + s.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + s.Length));
        }

        s.CopyTo(_buffer.AsSpan(_length));
        _length += s.Length;
    }
}
