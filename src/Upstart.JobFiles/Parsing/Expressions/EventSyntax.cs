using System.Runtime.InteropServices;
using Superpower.Model;
using Upstart.JobFiles.Events;

namespace Upstart.JobFiles.Parsing.Expressions;

/// <summary>
/// What <see cref="EventExpressionGrammar"/> recognises: the tree of an expression with its words still
/// as raw tokens. Dequoting needs the libnih scanner, which the static grammar does not hold, so the
/// tree becomes an <see cref="EventExpression"/> in a second step.
/// </summary>
internal abstract class EventSyntax
{
    /// <summary>The characters dequoting acts on: quotes and the escape.</summary>
    public static readonly System.Buffers.SearchValues<char> Quoting = System.Buffers.SearchValues.Create("\"'\\");

    /// <summary>
    /// A word as parse_on stores it: dequoted by libnih's rules. A word without quotes or escapes is its
    /// own text (blanks, newlines and NUL end a word outside quotes), so only the others are scanned again.
    /// </summary>
    protected static string Dequote(ConfigTokenizer scanner, Token<EventToken> word)
    {
        var raw = word.Span.Source!.AsSpan(word.Span.Position.Absolute, word.Span.Length);
        if (!raw.ContainsAny(Quoting))
        {
            return new string(raw);
        }

        var cursor = new Cursor(word.Span.Position.Absolute, word.Span.Position.Line);
        scanner.ScanToken(ref cursor, Delimiters.BlankOrParen, dequote: true, out _);
        return scanner.TokenString();
    }

    public abstract EventExpression ToExpression(ConfigTokenizer scanner);
}

/// <summary>An event name and its arguments (positional first, then KEY=VALUE / KEY!=VALUE).</summary>
internal sealed class MatchSyntax(Token<EventToken> name, Token<EventToken>[] arguments) : EventSyntax
{
    public override EventExpression ToExpression(ConfigTokenizer scanner)
    {
        var values = new string[arguments.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Dequote(scanner, arguments[i]);
        }

        return new EventMatch(Dequote(scanner, name), ImmutableCollectionsMarshal.AsImmutableArray(values));
    }
}

/// <summary>`and` / `or`: both have the same precedence and group from the left, as in parse_on.</summary>
internal sealed class OperatorSyntax(bool isAnd, EventSyntax left, EventSyntax right) : EventSyntax
{
    public override EventExpression ToExpression(ConfigTokenizer scanner)
    {
        var l = left.ToExpression(scanner);
        var r = right.ToExpression(scanner);
        return isAnd ? new EventAnd(l, r) : new EventOr(l, r);
    }
}
