using UpstartHost.Logging;

namespace UpstartHost.Tests.Logging;

public sealed class JobLogReaderTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("upstartps-reader-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("a\nb\nc\n", 2, new[] { "b", "c" })]
    [InlineData("a\nb\nc", 2, new[] { "b", "c" })]
    [InlineData("a\nb\n", 5, new[] { "a", "b" })]
    [InlineData("a\n\nb\n", 2, new[] { "", "b" })]
    [InlineData("", 3, new string[0])]
    public void Tail_returns_the_last_lines(string text, int count, string[] expected)
    {
        var path = Path.Combine(directory, "t.log");
        File.WriteAllText(path, text);

        Assert.Equal(expected, JobLogReader.Tail(path, count));
    }

    [Fact]
    public void Tail_reads_across_blocks()
    {
        var path = Path.Combine(directory, "big.log");
        File.WriteAllLines(path, Enumerable.Range(0, 5000).Select(i => "line " + i));

        Assert.Equal(["line 4997", "line 4998", "line 4999"], JobLogReader.Tail(path, 3));
    }

    [Fact]
    public void Tail_of_a_missing_log_is_empty()
    {
        Assert.Empty(JobLogReader.Tail(Path.Combine(directory, "none.log"), 10));
    }

    [Fact]
    public async Task Follow_yields_appended_lines_and_restarts_when_the_log_is_recreated()
    {
        var path = Path.Combine(directory, "f.log");
        await File.WriteAllTextAsync(path, "old\n");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        await using var follow = JobLogReader.Follow(path, pollInterval: TimeSpan.FromMilliseconds(10), cancellationToken: cancel.Token).GetAsyncEnumerator(cancel.Token);

        var next = follow.MoveNextAsync().AsTask();
        await File.AppendAllTextAsync(path, "new 1\npart");
        Assert.True(await next);
        lines.Add(follow.Current);
        next = follow.MoveNextAsync().AsTask();
        await File.AppendAllTextAsync(path, "ial\n");
        Assert.True(await next);
        lines.Add(follow.Current);

        File.Delete(path);
        await File.WriteAllTextAsync(path, "x\n");
        Assert.True(await follow.MoveNextAsync());
        lines.Add(follow.Current);

        Assert.Equal(["new 1", "partial", "x"], lines);
    }

    [Fact]
    public void A_tail_of_a_huge_log_without_newlines_reads_no_more_than_the_tail_bound()
    {
        var path = Path.Combine(directory, "flood.log");
        File.WriteAllText(path, new string('z', 3 * JobLogReader.MaxTailBytes));

        var line = Assert.Single(JobLogReader.Tail(path, 10));

        Assert.Equal(JobLogReader.MaxTailBytes, line.Length);
    }
}
