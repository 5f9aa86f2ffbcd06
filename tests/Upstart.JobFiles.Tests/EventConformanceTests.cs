using Upstart.JobFiles.Events;
using Upstart.JobFiles.Parsing;
using Upstart.JobFiles.Tests.Conformance;

namespace Upstart.JobFiles.Tests;

/// <summary>
/// Every `events/*.case` of the conformance corpus (root from UPSTARTPS_CONFORMANCE_DIR, default
/// ../shared/conformance): parse the expression, feed the events, compare every `after:` line and
/// the resulting environment.
/// </summary>
public sealed class EventConformanceTests
{
    public static TheoryData<string> Cases() => new(CorpusLocator.CaseNames("events", ".case"));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Event_case_matches_the_corpus(string name)
    {
        var c = EventConformanceCase.Load(name);
        var parsed = JobFileParser.ParseEventExpression(c.On);

        if (c.ParseErrorKind is not null)
        {
            Assert.Null(parsed.Expression);
            Assert.Equal($"{c.ParseErrorKind} {c.ParseErrorMessage}", $"{parsed.ErrorKind} {parsed.ErrorMessage}");
            return;
        }

        Assert.True(parsed.Expression is not null, $"{name}: expected a tree, got {parsed.ErrorKind} {parsed.ErrorMessage}");
        Assert.Equal(c.Tree, parsed.Expression.ToString());

        var expansion = c.IsStop ? ToDictionary(c.Environment) : null;
        var state = new EventConditionState(parsed.Expression);
        var transcript = new List<string>();
        var expected = new List<string>();
        foreach (var step in c.Steps)
        {
            if (step.IsReset)
            {
                state.Reset();
                continue;
            }

            var used = state.Handle(new CaseEvent(step.EventName, step.EventEnvironment), expansion);
            transcript.Add($"line {step.Line}: used={(used ? "yes" : "no")} value={(state.Value ? "true" : "false")}");
            expected.Add($"line {step.Line}: {step.ExpectedAfter}");
        }

        // Compare the whole transcript at once so a failure shows every step.
        Assert.Equal(expected, transcript);

        var result = new List<string>();
        if (state.Value)
        {
            var env = new EnvironmentBuilder();
            if (!c.IsStop)
            {
                // README §2: start gets the env defaults first; stop only the events' variables.
                foreach (var entry in c.Environment)
                {
                    env.SetEntry(entry);
                }
            }

            state.AppendEnvironment(env, c.IsStop ? "UPSTART_STOP_EVENTS" : "UPSTART_EVENTS");
            result = env.ToList();
        }

        Assert.Equal(c.ResultEnvironment, result);
    }

    [Fact]
    public void The_corpus_has_event_cases()
    {
        Assert.True(Directory.Exists(CorpusLocator.Folder("events")), $"no corpus at {CorpusLocator.Folder("events")}");
        Assert.NotEmpty(Directory.EnumerateFiles(CorpusLocator.Folder("events"), "*.case"));
    }

    [Theory]
    [InlineData("context: start\non: a\ntree: (event a)\n", "first line")]
    [InlineData("# x\ncontext: start\non: a\ntree: (event a)\nwibble: 1\n", "unknown key 'wibble'")]
    [InlineData("# x\ncontext: start\non: a\ntree: (event a)\nevent: a\n", "has no after: line")]
    [InlineData("# x\ncontext: start\non: a\ntree: (event a)\nevent: a\nevent: a\nafter: used=yes value=true\n", "has no after: line")]
    [InlineData("# x\ncontext: start\non: a\ntree: (event a)\nafter: used=yes value=true\n", "must follow an event")]
    [InlineData("# x\ncontext: start\non: a\ntree: (event a)\nevent: a\nafter: used=maybe value=true\n", "after needs")]
    [InlineData("# x\ncontext: sideways\non: a\ntree: (event a)\n", "context must")]
    [InlineData("# x\non: a\ntree: (event a)\n", "context: and on: are required")]
    [InlineData("# x\ncontext: start\non: a\n", "exactly one of tree: and parse-error:")]
    [InlineData("# x\ncontext: start\non: a (b)\nparse-error: expected-operator Expected operator\nevent: a\n", "nothing may follow")]
    [InlineData("# x\ncontext: start\non: a\ntree: (event a)\nevent: a \"X=1\nafter: used=yes value=true\n", "unterminated quote")]
    [InlineData("# x\ncontext: start\non: a\ntree: (event a)\nenv: NOEQUALS\n", "env needs KEY=VALUE")]
    [InlineData("# x\ncontext: start\non: a\ntree: (event a)\nresult-env: \"X=1\n", "unterminated quoted value")]
    [InlineData("# x\ncontext: start\non: a\non: b\ntree: (event a)\n", "on: appears twice")]
    public void A_malformed_case_is_rejected(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => EventConformanceCase.Parse("bad", text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_tokens_honour_quotes_and_backslashes()
    {
        var c = EventConformanceCase.Parse(
            "tokens",
            "# x\ncontext: start\non: a\ntree: (event a)\nevent: a \"MSG=hello world\" B=\"x y\" C=\\\"q\\\\ D=\nafter: used=yes value=true\nresult-env: \"MSG=hello world\"\n");

        var step = Assert.Single(c.Steps);
        Assert.Equal("a", step.EventName);
        Assert.Equal(["MSG=hello world", "B=x y", "C=\"q\\", "D="], step.EventEnvironment);
        Assert.Equal(["MSG=hello world"], c.ResultEnvironment);
    }

    private static Dictionary<string, string> ToDictionary(List<string> entries)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            d[entry[..eq]] = entry[(eq + 1)..];
        }

        return d;
    }

    private sealed class CaseEvent(string name, string[] environment) : IEventData
    {
        public string Name { get; } = name;

        public IReadOnlyList<string> Environment { get; } = environment;
    }
}
