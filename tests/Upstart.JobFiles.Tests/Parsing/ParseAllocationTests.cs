using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests.Parsing;

/// <summary>
/// A stanza costs the parser what it stores, not a copy of the whole job: a hostile file of a million
/// characters of one-word stanzas must not turn into tens of megabytes of garbage (a `with` copy of
/// JobClassConfig per stanza did: 312 bytes each, about 65 MB for `task`).
/// </summary>
public sealed class ParseAllocationTests
{
    private const int FileSize = 1 << 20;

    [Theory]
    [InlineData("task\n")]
    [InlineData("kill timeout 9\n")]
    [InlineData("env A=1\n")]
    public void A_file_of_one_repeated_stanza_allocates_a_few_bytes_per_character(string stanza)
    {
        var text = string.Concat(Enumerable.Repeat(stanza, (FileSize - 1) / stanza.Length));
        JobFileParser.Parse("warm", "/etc/init/warm.conf", stanza);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = JobFileParser.Parse("big", "/etc/init/big.conf", text);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(result.Config);
        Assert.True(allocated < 16L * text.Length, $"{allocated:N0} bytes allocated for {text.Length:N0} characters");
    }
}
