using Upstart.JobFiles.Events;
using Upstart.JobFiles.Parsing;
using Upstart.JobFiles.Parsing.Expressions;
using Upstart.JobFiles.Tests.Conformance;

namespace Upstart.JobFiles.Tests.Parsing;

public sealed class EventExpressionParserTests
{
    [Theory]
    [InlineData("a", "(event a)")]
    [InlineData("a or b and c", "(and (or (event a) (event b)) (event c))")]
    [InlineData("a and b or c", "(or (and (event a) (event b)) (event c))")]
    [InlineData("a or b or c", "(or (or (event a) (event b)) (event c))")]
    [InlineData("a and (b or c)", "(and (event a) (or (event b) (event c)))")]
    [InlineData("(a or(b))", "(or (event a) (event b))")]
    [InlineData("a AND b", "(event a AND b)")]
    [InlineData("\"and\" or b", "(or (event and) (event b))")]
    [InlineData("runlevel [!2345]", "(event runlevel [!2345])")]
    [InlineData("x A=1 B!=2", "(event x A=1 B!=2)")]
    [InlineData("x \"K=v w\" K2=\"v w\"", "(event x \"K=v w\" \"K2=v w\")")]
    [InlineData("net-device-up IFACE!=lo", "(event net-device-up IFACE!=lo)")]
    [InlineData("x DEV=$DEVPATH", "(event x DEV=$DEVPATH)")]
    public void Expressions_parse_with_equal_precedence_from_the_left(string text, string tree)
    {
        var result = JobFileParser.ParseEventExpression(text);
        Assert.Null(result.ErrorKind);
        Assert.Equal(tree, SExpression.Format(result.Expression!));
    }

    [Theory]
    [InlineData("or a", "expected-event", "Expected event")]
    [InlineData("a or", "expected-event", "Expected event")]
    [InlineData("a or or b", "expected-event", "Expected event")]
    [InlineData("()", "expected-event", "Expected event")]
    [InlineData("(a or)", "expected-event", "Expected event")]
    [InlineData("a (b or c)", "expected-operator", "Expected operator")]
    [InlineData("(a or b) c", "expected-operator", "Expected operator")]
    [InlineData("(a) (b)", "expected-operator", "Expected operator")]
    [InlineData("a K=v positional", "expected-variable", "Expected variable name before value")]
    [InlineData("(a or b", "mismatched-parens", "Mismatched parentheses")]
    [InlineData("a or b)", "mismatched-parens", "Mismatched parentheses")]
    [InlineData("", "expected-token", "Expected token")]
    [InlineData("a \"b", "unterminated-quote", "Unterminated quoted string")]
    public void Malformed_expressions_report_upstarts_error(string text, string kind, string message)
    {
        var result = JobFileParser.ParseEventExpression(text);
        Assert.Null(result.Expression);
        Assert.Equal((kind, message), (result.ErrorKind, result.ErrorMessage));
    }

    [Fact]
    public void Inside_parentheses_newlines_and_comments_are_allowed()
    {
        var result = JobFileParser.Parse("j", "j.conf", "start on (a # first\n  or b\n and c)\nexec x\n");
        Assert.Equal("(and (or (event a) (event b)) (event c))", SExpression.Format(result.Config!.StartOn!));
        Assert.Equal("x", result.Config.GetProcess(Model.ProcessKind.Main)!.Command);
    }

    [Theory]
    [InlineData("start on (a\n\n or b)\n")]
    [InlineData("start on (a\n# note\n or b)\n")]
    public void Inside_parentheses_a_line_without_a_token_is_an_error_as_in_upstart(string text)
    {
        // parse_on reads at least one token per continued line, so a blank or comment-only line fails.
        var d = Assert.Single(JobFileParser.Parse("j", "j.conf", text).Diagnostics);
        Assert.Equal((2, "expected-token"), (d.Line, d.Kind));
    }

    [Fact]
    public void Outside_parentheses_a_newline_ends_the_stanza()
    {
        var result = JobFileParser.Parse("j", "j.conf", "start on a\nor b\n");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((2, "unknown-stanza"), (d.Line, d.Kind));
    }

    [Fact]
    public void An_unclosed_parenthesis_is_reported_at_the_end_of_the_file()
    {
        var result = JobFileParser.Parse("j", "j.conf", "start on (a or\nb\nexec foo\n");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((4, "mismatched-parens"), (d.Line, d.Kind));
    }

    [Fact]
    public void A_hostile_expression_with_too_many_operands_is_refused_not_recursed()
    {
        var text = string.Join(" or ", Enumerable.Repeat("a", EventExpressionParser.MaxOperands + 1));
        var result = JobFileParser.ParseEventExpression(text);
        Assert.Equal(EventExpressionParser.TooLargeKind, result.ErrorKind);

        var fine = JobFileParser.ParseEventExpression(string.Join(" or ", Enumerable.Repeat("a", EventExpressionParser.MaxOperands)));
        Assert.NotNull(fine.Expression);
    }

    [Fact]
    public void Parentheses_nested_beyond_the_bound_are_refused_not_recursed()
    {
        static string Nested(int depth) => new string('(', depth) + "a" + new string(')', depth);

        Assert.Equal(EventExpressionParser.TooLargeKind, JobFileParser.ParseEventExpression(Nested(EventExpressionTokenizer.MaxNesting + 1)).ErrorKind);
        Assert.Equal("(event a)", SExpression.Format(JobFileParser.ParseEventExpression(Nested(EventExpressionTokenizer.MaxNesting)).Expression!));
    }

    [Theory]
    [InlineData("start on ((a) b\n or c)\n", 2, 2, "expected-operator")]
    [InlineData("start on ((a) b c=1\n d)\n", 2, 3, "expected-variable")]
    [InlineData("start on (a) b\n", 1, 14, "expected-operator")]
    public void An_operand_right_after_a_group_is_reported_where_upstart_collects_it(string text, int line, int column, string kind)
    {
        // Upstart pushes the operand and finds the missing operator at the next collect: the `or`, or
        // at the end the operand's last word; its arguments are checked on the way.
        var d = Assert.Single(JobFileParser.Parse("j", "j.conf", text).Diagnostics);
        Assert.Equal((line, column, kind), (d.Line, d.Column, d.Kind));
    }

    [Theory]
    [InlineData("a or or \"b", "expected-event")]
    [InlineData("(a) (b \"c", "expected-operator")]
    [InlineData("a or \"b", "unterminated-quote")]
    [InlineData("a or b\\", "trailing-slash")]
    public void A_grammar_mistake_before_a_bad_token_is_reported_first_as_upstart_reads_in_order(string text, string kind) =>
        Assert.Equal(kind, JobFileParser.ParseEventExpression(text).ErrorKind);

    [Fact]
    public void Event_names_are_listed_in_tree_order()
    {
        var e = JobFileParser.ParseEventExpression("a and (b or c X=1)").Expression!;
        Assert.Equal(["a", "b", "c"], e.EventNames());
    }

    public static TheoryData<string> EventCases() => new(CorpusLocator.CaseNames("events", ".case"));

    /// <summary>The tree: / parse-error: line of every events/ case (the matching itself is tested elsewhere).</summary>
    [Theory]
    [MemberData(nameof(EventCases))]
    public void Event_corpus_expressions_parse_to_the_recorded_tree(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(CorpusLocator.Folder("events"), name + ".case"));
        var on = lines.Single(l => l.StartsWith("on: ", StringComparison.Ordinal))[4..];
        var tree = lines.SingleOrDefault(l => l.StartsWith("tree: ", StringComparison.Ordinal))?[6..];
        var error = lines.SingleOrDefault(l => l.StartsWith("parse-error: ", StringComparison.Ordinal))?[13..];
        Assert.True(tree is not null ^ error is not null, $"{name}: needs exactly one of tree:/parse-error:");

        var result = JobFileParser.ParseEventExpression(on);
        Assert.Equal(
            tree ?? error,
            result.Expression is { } e ? SExpression.Format(e) : $"{result.ErrorKind} {result.ErrorMessage}");
    }
}
