using Superpower;
using Superpower.Model;

namespace Upstart.JobFiles.Parsing.Expressions;

/// <summary>
/// The `start on` / `stop on` grammar as Superpower token-list parsers:
/// <code>
///   expression := term ((and | or) term)*      equal precedence, grouped from the left
///   term       := operand | "(" expression ")"
///   operand    := WORD WORD*                    positional arguments before KEY=VALUE ones
/// </code>
/// A failure's expectation is the corpus error kind; <see cref="EventExpressionParser"/> moves it to
/// where Upstart's stack machine (parse_on, parse_on_collect) notices the same mistake.
///
/// Thousands of files are parsed at start-up, so a successful parse allocates only its tree: the parsers
/// that read single tokens are written out and fail with shared expectation arrays, and sequences are
/// composed with IgnoreThen / <see cref="TokenParsers.FollowedBy"/>, not query syntax, whose SelectMany
/// allocates closures on every application.
/// </summary>
internal static class EventExpressionGrammar
{
    private static readonly string[] ExpectedWord = ["word"];
    private static readonly string[] ExpectedOperatorToken = ["operator"];
    private static readonly string[] ExpectedEvent = [ParseErrors.ExpectedEvent];
    private static readonly string[] ExpectedOperator = [ParseErrors.ExpectedOperator];
    private static readonly string[] ExpectedVariable = [ParseErrors.ExpectedVariable];
    private static readonly string[] MismatchedParens = [ParseErrors.MismatchedParens];

    private static readonly TokenListParser<EventToken, EventSyntax> Operand = ReadOperand;

    private static readonly TokenListParser<EventToken, EventToken> Operator = ReadOperator;

    private static readonly TokenListParser<EventToken, EventSyntax> Group =
        Is(EventToken.LeftParen)
            .IgnoreThen(Parse.Ref(() => Expression!))
            .FollowedBy(Closing(EventToken.RightParen));

    private static readonly TokenListParser<EventToken, EventSyntax> Term =
        Operand.Or(Group).Named(ParseErrors.ExpectedEvent);

    private static readonly TokenListParser<EventToken, EventSyntax> Expression =
        Parse.Chain(Operator, Term, (op, left, right) => new OperatorSyntax(op == EventToken.And, left, right));

    /// <summary>The whole expression, up to and including the <see cref="EventToken.End"/> token.</summary>
    public static readonly TokenListParser<EventToken, EventSyntax> Whole =
        Expression.FollowedBy(Closing(EventToken.End));

    /// <summary>An event name and its arguments.</summary>
    private static TokenListParserResult<EventToken, EventSyntax> ReadOperand(TokenList<EventToken> input)
    {
        var name = input.ConsumeToken();
        if (!name.HasValue || name.Value.Kind != EventToken.Word)
        {
            return TokenListParserResult.Empty<EventToken, EventSyntax>(input, ExpectedWord);
        }

        var arguments = ReadArguments(name.Remainder);
        if (!arguments.HasValue)
        {
            return TokenListParserResult.CastEmpty<EventToken, Token<EventToken>[], EventSyntax>(arguments);
        }

        return TokenListParserResult.Value<EventToken, EventSyntax>(
            new MatchSyntax(name.Value, arguments.Value), input, arguments.Remainder);
    }

    /// <summary>
    /// The arguments after an event name. Any '=' makes an argument named, and a positional one after a
    /// named one is "Expected variable name before value". The check reads the raw token: dequoting
    /// removes quotes and escapes but never an '='.
    /// </summary>
    private static TokenListParserResult<EventToken, Token<EventToken>[]> ReadArguments(TokenList<EventToken> input)
    {
        var rest = input;
        var count = 0;
        var named = false;
        while (rest.ConsumeToken() is { HasValue: true } next && next.Value.Kind == EventToken.Word)
        {
            if (Contains(next.Value.Span, '='))
            {
                named = true;
            }
            else if (named)
            {
                return TokenListParserResult.Empty<EventToken, Token<EventToken>[]>(rest, ExpectedVariable);
            }

            count++;
            rest = next.Remainder;
        }

        if (count == 0)
        {
            return TokenListParserResult.Value(Array.Empty<Token<EventToken>>(), input, rest);
        }

        var arguments = new Token<EventToken>[count];
        var at = input;
        for (var i = 0; i < count; i++)
        {
            var next = at.ConsumeToken();
            arguments[i] = next.Value;
            at = next.Remainder;
        }

        return TokenListParserResult.Value(arguments, input, rest);
    }

    private static TokenListParserResult<EventToken, EventToken> ReadOperator(TokenList<EventToken> input)
    {
        var next = input.ConsumeToken();
        return next.HasValue && next.Value.Kind is EventToken.And or EventToken.Or
            ? TokenListParserResult.Value(next.Value.Kind, input, next.Remainder)
            : TokenListParserResult.Empty<EventToken, EventToken>(input, ExpectedOperatorToken);
    }

    private static TokenListParser<EventToken, Token<EventToken>> Is(EventToken kind) => input =>
    {
        var next = input.ConsumeToken();
        return next.HasValue && next.Value.Kind == kind
            ? next
            : TokenListParserResult.Empty<EventToken, Token<EventToken>>(input, ExpectedWord);
    };

    private static bool Contains(TextSpan span, char c) =>
        span.Source!.AsSpan(span.Position.Absolute, span.Length).Contains(c);

    /// <summary>
    /// After a complete expression: the token that must close it (`)` of a group, or the end). Anything
    /// else is the error parse_on raises there: `(` or a word right after a term wants an operator, a
    /// stray `)` or a missing one is a parenthesis mismatch.
    /// </summary>
    private static TokenListParser<EventToken, Token<EventToken>> Closing(EventToken closing) => input =>
    {
        var next = input.ConsumeToken();
        if (!next.HasValue)
        {
            // Only when the tokenizer stopped early: the tokenizer's own error is reported instead.
            return TokenListParserResult.Empty<EventToken, Token<EventToken>>(input, ExpectedEvent);
        }

        var kind = next.Value.Kind;
        if (kind == closing)
        {
            return next;
        }

        if (kind is EventToken.RightParen or EventToken.End)
        {
            return TokenListParserResult.Empty<EventToken, Token<EventToken>>(input, MismatchedParens);
        }

        return kind == EventToken.Word
            ? StrayOperand(input)
            : TokenListParserResult.Empty<EventToken, Token<EventToken>>(input, ExpectedOperator);
    };

    /// <summary>
    /// An operand right after a group, as in `(a) b`. Upstart accepts it onto its stack and only notices
    /// the missing operator when it next collects: at the following operator or parenthesis, or, at the
    /// end, at the operand's last word. Its arguments are still checked first.
    /// </summary>
    private static TokenListParserResult<EventToken, Token<EventToken>> StrayOperand(TokenList<EventToken> input)
    {
        var last = input;
        var rest = input.ConsumeToken().Remainder;
        var arguments = ReadArguments(rest);
        if (!arguments.HasValue)
        {
            return TokenListParserResult.CastEmpty<EventToken, Token<EventToken>[], Token<EventToken>>(arguments);
        }

        for (var i = 0; i < arguments.Value.Length; i++)
        {
            last = last.ConsumeToken().Remainder;
        }

        rest = arguments.Remainder;
        var after = rest.ConsumeToken();
        var at = after.HasValue && after.Value.Kind == EventToken.End ? last : rest;
        return TokenListParserResult.Empty<EventToken, Token<EventToken>>(at, ExpectedOperator);
    }
}
