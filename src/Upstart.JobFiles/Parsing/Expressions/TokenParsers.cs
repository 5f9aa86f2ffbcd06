using Superpower;
using Superpower.Model;

namespace Upstart.JobFiles.Parsing.Expressions;

/// <summary>A combinator Superpower lacks: the mirror of IgnoreThen.</summary>
internal static class TokenParsers
{
    /// <summary>
    /// <paramref name="parser"/>, then <paramref name="next"/>, keeping the first value. Written out so
    /// it allocates nothing per application (query syntax would build closures each time).
    /// </summary>
    public static TokenListParser<TKind, T> FollowedBy<TKind, T, TNext>(
        this TokenListParser<TKind, T> parser, TokenListParser<TKind, TNext> next) => input =>
    {
        var first = parser(input);
        if (!first.HasValue)
        {
            return first;
        }

        var second = next(first.Remainder);
        return second.HasValue
            ? TokenListParserResult.Value(first.Value, input, second.Remainder)
            : TokenListParserResult.CastEmpty<TKind, TNext, T>(second);
    };
}
