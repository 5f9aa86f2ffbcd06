using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests.Conformance;

/// <summary>Every `parse/` case of the conformance corpus, through JobFileParser.Parse and ApplyOverride.</summary>
public sealed class ParseConformanceTests
{
    public static TheoryData<string> Cases() => new(CorpusLocator.CaseNames("parse"));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_case_matches_the_corpus(string name)
    {
        var c = ParseCase.Load(name);
        var conf = JobFileParser.Parse("foo", "/etc/init/foo.conf", c.Conf);

        if (!c.Expectation.Ok && conf.Config is null)
        {
            AssertError(c.Expectation, Assert.Single(conf.Diagnostics), OffsetIsAuthoritative(name));
            return;
        }

        var config = conf.Config;
        Assert.True(config is not null, $"{name}: expected ok, got {string.Join("; ", conf.Diagnostics)}");
        if (c.Override is not null)
        {
            config = JobFileParser.ApplyOverride(config, "/etc/init/foo.override", c.Override).Config;
        }

        Assert.True(c.Expectation.Ok, $"{name}: expected error {c.Expectation.ErrorKind}, got ok");
        AssertFields(c.Expectation, config!);
    }

    /// <summary>
    /// The README: offsets are informational, and the cgroup-* cases were written by hand rather than
    /// produced by Upstart. Every other offset came from the real parser, so it is checked too.
    /// </summary>
    internal static bool OffsetIsAuthoritative(string name) => !name.StartsWith("cgroup-", StringComparison.Ordinal);

    internal static void AssertError(ParseExpectation expected, Diagnostics.Diagnostic actual, bool checkOffset)
    {
        Assert.Equal(
            $"{expected.ErrorLine} {expected.ErrorKind}: {expected.ErrorMessage}",
            $"{actual.Line} {actual.Kind}: {actual.Message}");
        if (checkOffset && expected.ErrorOffset is { } offset)
        {
            Assert.Equal(offset, actual.Offset);
        }
    }

    internal static void AssertFields(ParseExpectation expected, JobClassConfig config)
    {
        var actual = ExpectRenderer.Render(config).ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value);
        Assert.Equal(ExpectRenderer.Format(expected.Fields), ExpectRenderer.Format(actual));
    }
}
