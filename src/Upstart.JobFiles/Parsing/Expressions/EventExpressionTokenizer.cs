using Superpower;
using Superpower.Model;

namespace Upstart.JobFiles.Parsing.Expressions;

/// <summary>
/// Splits the text after `start on` / `stop on` into <see cref="EventToken"/>s with parse_on's rules:
/// words are libnih tokens delimited by blanks, `#`, newlines and parentheses (scanned by
/// <see cref="ConfigTokenizer"/>, so quotes, escapes and backslash-newlines behave exactly as in
/// Upstart); the expression continues onto the next line while a parenthesis is open, each such line
/// must hold at least one token, and comments end a line.
///
/// Errors are those Upstart raises while reading a token (a trailing slash, an unterminated quote, an
/// empty dequoted word) and the bounds this port adds; each carries its kind as the message and the
/// cursor where Upstart stood when it raised it. Spans carry libnih's line count as their line.
/// </summary>
internal sealed class EventExpressionTokenizer(ConfigTokenizer scanner) : Tokenizer<EventToken>
{
    /// <summary>
    /// Beyond Upstart: a bound on operands, so a hostile file cannot build a tree deep enough to exhaust
    /// the stack of whatever walks it later. Real job files use a handful.
    /// </summary>
    public const int MaxOperands = 1000;

    /// <summary>
    /// Beyond Upstart: a bound on nested parentheses, because the grammar descends once per group.
    /// Real job files nest two or three deep.
    /// </summary>
    public const int MaxNesting = 64;

    public const string TooLargeKind = "expression-too-large";
    public const string TooLargeMessage = "Event expression too large";

    // Job files are parsed by the thousand at start-up; one token buffer per thread keeps an expression
    // from costing more than its tree.
    [ThreadStatic]
    private static Token<EventToken>[]? t_buffer;

    /// <summary>
    /// Tokenises from <paramref name="start"/>. On success the last token read is <see cref="EventToken.End"/>
    /// and the array is a per-thread buffer, valid until the next call on this thread and possibly longer
    /// than the tokens read (nothing parses past End). On failure the array holds exactly the tokens read
    /// before the error.
    /// </summary>
    public (Token<EventToken>[] Tokens, Result<EventToken> Failure) Tokenize(Cursor start)
    {
        var buffer = t_buffer ??= new Token<EventToken>[32];
        var count = 0;
        var state = new ScanState(start);
        while (true)
        {
            var result = Next(ref state);
            if (!result.HasValue)
            {
                return (buffer[..count], result);
            }

            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
                t_buffer = buffer;
            }

            buffer[count++] = new Token<EventToken>(result.Value, result.Location.Until(result.Remainder));
            if (result.Value == EventToken.End)
            {
                return (buffer, default);
            }
        }
    }

    /// <summary>Superpower's entry point, with the same rules as <see cref="Tokenize(Cursor)"/>.</summary>
    protected override IEnumerable<Result<EventToken>> Tokenize(TextSpan span)
    {
        var state = new ScanState(new Cursor(span.Position.Absolute, span.Position.Line));
        while (true)
        {
            var result = Next(ref state);
            yield return result;
            if (!result.HasValue || result.Value == EventToken.End)
            {
                yield break;
            }
        }
    }

    /// <summary>A span from <paramref name="at"/> to the end of the text, positioned as libnih counts lines.</summary>
    public TextSpan SpanAt(Cursor at)
    {
        var text = scanner.Text;
        var lineStart = at.Pos == 0 ? 0 : text.LastIndexOf('\n', at.Pos - 1) + 1;
        return new TextSpan(text, new Position(at.Pos, at.Line, at.Pos - lineStart + 1), text.Length - at.Pos);
    }

    /// <summary>
    /// One token. parse_on reads at least one token per line (so a blank line inside parentheses is
    /// "Expected token"), then more while the line has any, and goes on to the next line only while a
    /// parenthesis is open.
    /// </summary>
    private Result<EventToken> Next(ref ScanState s)
    {
        if (s.StartOfLine)
        {
            scanner.SkipWhitespace(ref s.At);
            s.StartOfLine = false;
        }
        else if (!scanner.HasToken(s.At))
        {
            scanner.NextLine(ref s.At);
            if (s.At.Pos >= scanner.Length || s.Depth <= 0)
            {
                return Result.Value(EventToken.End, SpanAt(s.At), SpanAt(s.At));
            }

            scanner.SkipWhitespace(ref s.At);
        }

        var text = scanner.Text;
        var start = s.At;
        EventToken kind;
        if (s.At.Pos < text.Length && text[s.At.Pos] is '(' or ')')
        {
            kind = text[s.At.Pos] == '(' ? EventToken.LeftParen : EventToken.RightParen;
            s.Depth += kind == EventToken.LeftParen ? 1 : -1;
            if (s.Depth > MaxNesting)
            {
                return Error(start, TooLargeKind);
            }

            s.At.Pos++;
        }
        else
        {
            // Operators are recognised without dequoting, so a quoted "and" stays a word.
            if (!scanner.ScanToken(ref s.At, Delimiters.BlankOrParen, dequote: false, out var rawLength))
            {
                return Error(s.At, TakeScannerError());
            }

            kind = OperatorKind(scanner.Token);
            if (kind == EventToken.Word)
            {
                // parse_on dequotes an operand as it reads it: an empty one ("") is an error there. Without
                // quotes or escapes dequoting changes nothing, so only such a word is scanned again.
                var length = rawLength;
                if (scanner.Token.ContainsAny(EventSyntax.Quoting))
                {
                    var dequoted = start;
                    scanner.ScanToken(ref dequoted, Delimiters.BlankOrParen, dequote: true, out length);
                }

                if (rawLength == 0 || length == 0)
                {
                    return Error(s.At, ParseErrors.ExpectedToken);
                }

                if (s.Previous != EventToken.Word && ++s.Operands > MaxOperands)
                {
                    scanner.SkipWhitespace(ref s.At);
                    return Error(s.At, TooLargeKind);
                }
            }
        }

        var end = s.At;
        scanner.SkipWhitespace(ref s.At);
        s.Previous = kind;
        return Result.Value(kind, SpanAt(start), SpanAt(end));
    }

    private static EventToken OperatorKind(ReadOnlySpan<char> raw) =>
        raw.SequenceEqual("and") ? EventToken.And : raw.SequenceEqual("or") ? EventToken.Or : EventToken.Word;

    private string TakeScannerError()
    {
        var kind = scanner.ErrorKind ?? ParseErrors.ExpectedToken;
        scanner.ClearError();
        return kind;
    }

    private Result<EventToken> Error(Cursor at, string kind) => Result.Empty<EventToken>(SpanAt(at), kind);

    private struct ScanState(Cursor start)
    {
        public Cursor At = start;
        public int Depth;
        public int Operands;
        public EventToken Previous = EventToken.End;
        public bool StartOfLine = true;
    }
}
