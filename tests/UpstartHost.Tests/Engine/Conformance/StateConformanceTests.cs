using Upstart.JobFiles.Tests.Conformance;

namespace UpstartHost.Tests.Engine.Conformance;

/// <summary>Every `states/*.state` case of the conformance corpus (conformance/README.md §3).</summary>
public sealed class StateConformanceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in CorpusLocator.CaseNames("states", ".state"))
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void The_corpus_has_state_cases()
    {
        Assert.NotEmpty(Cases());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void State_case_passes(string name)
    {
        var path = Path.Combine(CorpusLocator.Folder("states"), name + ".state");
        var c = StateCase.Parse(name, File.ReadAllText(path));

        var outcome = StateCaseRunner.Run(c);

        Assert.Equal(c.Expect, outcome.Expect);
        if (c.Failed is { } failed)
        {
            Assert.Equal(failed, outcome.Failed);
        }

        if (c.Emits is { } emits)
        {
            Assert.Equal(emits, outcome.Emits);
        }

        if (c.Expect2 is { } expect2)
        {
            Assert.Equal(expect2, outcome.Expect2);
        }

        if (c.Emits2 is { } emits2)
        {
            Assert.Equal(emits2, outcome.Emits2);
        }

        if (c.Log is { } log)
        {
            Assert.Equal(log.Select(StateCaseRunner.MaskPid), outcome.Log);
        }
    }
}
