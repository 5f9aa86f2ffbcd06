using Upstart.JobFiles.Loading;

namespace Upstart.JobFiles.Tests.Conformance;

/// <summary>
/// Every `parse/` case again, but as files on disk read by the real directory loader: foo.conf (and
/// foo.override) in a job directory, as conformance/README.md describes the override cases.
/// </summary>
public sealed class LoaderConformanceTests
{
    public static TheoryData<string> Cases() => ParseConformanceTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Directory_loader_matches_the_corpus(string name)
    {
        var c = ParseCase.Load(name);
        using var dir = new TempDirectory();
        var confPath = dir.Write("foo.conf", c.Conf);
        if (c.Override is not null)
        {
            dir.Write("foo.override", c.Override);
        }

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        if (c.Expectation.Ok)
        {
            Assert.True(catalog.Jobs.TryGetValue("foo", out var job), $"{name}: no job; {string.Join("; ", catalog.Diagnostics)}");
            Assert.Equal(confPath, job.SourcePath);
            ParseConformanceTests.AssertFields(c.Expectation, job);
        }
        else
        {
            Assert.Empty(catalog.Jobs);
            var diagnostic = Assert.Single(catalog.Diagnostics);
            Assert.Equal(confPath, diagnostic.Path);
            ParseConformanceTests.AssertError(c.Expectation, diagnostic, ParseConformanceTests.OffsetIsAuthoritative(name));
        }
    }
}
