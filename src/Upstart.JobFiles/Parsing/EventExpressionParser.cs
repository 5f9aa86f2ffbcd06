using Superpower.Model;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Parsing.Expressions;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// parse_on: reads a `start on` / `stop on` expression with <see cref="EventExpressionTokenizer"/> and
/// <see cref="EventExpressionGrammar"/>, and reports a failure with Upstart's kind at the cursor where
/// Upstart reports it (UPSTART.md §0, the corpus's events/ and parse/ start-on cases).
/// </summary>
internal static class EventExpressionParser
{
    public const int MaxOperands = EventExpressionTokenizer.MaxOperands;
    public const string TooLargeKind = EventExpressionTokenizer.TooLargeKind;
    public const string TooLargeMessage = EventExpressionTokenizer.TooLargeMessage;

    /// <summary>Reads the expression at <paramref name="at"/> and moves past it; null (and an error raised) on failure.</summary>
    public static EventExpression? Parse(ConfigTokenizer t, ref Cursor at)
    {
        var (tokens, failure) = t.Expressions.Tokenize(at);
        var tokenized = failure.Remainder.Source is null;
        var syntax = EventExpressionGrammar.Whole(new TokenList<EventToken>(tokens));

        if (syntax.HasValue && tokenized)
        {
            at = CursorOf(tokens[syntax.Remainder.Position - 1].Span);
            return syntax.Value.ToExpression(t);
        }

        // Upstart reads and checks token by token, so a grammar mistake before the token the tokenizer
        // failed on is reported first. A grammar failure at the end of a cut-short list is not one.
        if (!syntax.HasValue && (tokenized || !syntax.Remainder.IsAtEnd))
        {
            var kind = syntax.Expectations is [var expected, ..] ? expected : ParseErrors.ExpectedEvent;
            at = ErrorCursor(t, tokens, syntax.Remainder, kind);
            t.ClearError();
            t.Raise(kind);
            return null;
        }

        var error = failure.ErrorMessage ?? ParseErrors.ExpectedToken;
        at = CursorOf(failure.Remainder);
        t.ClearError();
        t.Raise(error, error == TooLargeKind ? TooLargeMessage : null);
        return null;
    }

    /// <summary>Where parse_on stands when it raises <paramref name="kind"/> for the token at <paramref name="remainder"/>.</summary>
    private static Cursor ErrorCursor(ConfigTokenizer t, Token<EventToken>[] all, TokenList<EventToken> remainder, string kind)
    {
        var token = remainder.ConsumeToken().Value;
        if (token.Kind == EventToken.End && kind != ParseErrors.MismatchedParens)
        {
            // Found missing when collecting at the end: reported at the last token read.
            token = all[remainder.Position - 1];
        }

        var cursor = CursorOf(token.Span);
        if (kind == ParseErrors.ExpectedVariable)
        {
            // Raised after the argument and the blanks behind it were read.
            cursor.Pos += token.Span.Length;
            cursor.Line = token.Span.Position.Line + CountNewlines(token.Span);
            t.SkipWhitespace(ref cursor);
        }

        return cursor;
    }

    private static Cursor CursorOf(TextSpan span) => new(span.Position.Absolute, span.Position.Line);

    private static int CountNewlines(TextSpan span) =>
        span.Source!.AsSpan(span.Position.Absolute, span.Length).Count('\n');
}
