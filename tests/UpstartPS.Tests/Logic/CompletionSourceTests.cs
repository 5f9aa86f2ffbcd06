using UpstartPS.Completion;

namespace UpstartPS.Tests.Logic;

public sealed class CompletionSourceTests
{
    [Fact]
    public void Names_are_cached_for_their_lifetime()
    {
        var calls = 0;
        var source = new CompletionSource(_ =>
        {
            calls++;
            return Task.FromResult<IReadOnlyList<string>>(["web"]);
        }, lifetime: TimeSpan.FromMinutes(1));
        Assert.Equal(["web"], source.Names());
        Assert.Equal(["web"], source.Names());
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Expired_names_are_fetched_again()
    {
        var calls = 0;
        var source = new CompletionSource(_ => Task.FromResult<IReadOnlyList<string>>([$"v{++calls}"]), lifetime: TimeSpan.Zero);
        Assert.Equal(["v1"], source.Names());
        Assert.Equal(["v2"], source.Names());
    }

    [Fact]
    public void A_failing_daemon_gives_no_names_and_no_exception()
    {
        var source = new CompletionSource(_ => throw new IOException("no daemon"));
        Assert.Empty(source.Names());
        var faulted = new CompletionSource(_ => Task.FromException<IReadOnlyList<string>>(new IOException("no daemon")));
        Assert.Empty(faulted.Names());
    }

    [Fact]
    public void A_slow_daemon_is_abandoned_after_the_time_limit()
    {
        var source = new CompletionSource(async ct =>
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
            return (IReadOnlyList<string>)["late"];
        }, timeout: TimeSpan.FromMilliseconds(50));
        var started = DateTime.UtcNow;
        Assert.Empty(source.Names());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
    }

    /// <summary>A source whose daemon answers only when the test sets <c>answer</c>, long after the 20 ms limit; <c>calls</c> counts the fetches.</summary>
    private static (CompletionSource Source, TaskCompletionSource<IReadOnlyList<string>> Answer, Func<int> Calls) Slow()
    {
        var calls = 0;
        var answer = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new CompletionSource(_ =>
        {
            calls++;
            return answer.Task;
        }, lifetime: TimeSpan.FromMinutes(1), timeout: TimeSpan.FromMilliseconds(20));
        return (source, answer, () => calls);
    }

    [Fact]
    public void An_answer_that_comes_after_the_time_limit_is_offered_at_the_next_Tab_without_asking_again()
    {
        var (source, answer, calls) = Slow();

        Assert.Empty(source.Names());
        Assert.Empty(source.Names());
        answer.SetResult(["late"]);

        Assert.Equal(["late"], source.Names());
        Assert.Equal(["late"], source.Names());
        Assert.Equal(1, calls());
    }

    [Fact]
    public void A_late_answer_that_fails_gives_nothing_and_is_not_asked_again_at_every_Tab()
    {
        var (source, answer, calls) = Slow();
        Assert.Empty(source.Names());

        answer.SetException(new IOException("daemon gone"));

        Assert.Empty(source.Names());
        Assert.Empty(source.Names());
        Assert.Equal(1, calls());
    }

    [Fact]
    public void After_a_failure_the_last_good_names_are_kept()
    {
        var fail = false;
        var source = new CompletionSource(_ => fail ? throw new IOException() : Task.FromResult<IReadOnlyList<string>>(["web"]), lifetime: TimeSpan.Zero);
        Assert.Equal(["web"], source.Names());
        fail = true;
        Assert.Equal(["web"], source.Names());
    }

    [Theory]
    [InlineData("w", new[] { "web", "worker" })]
    [InlineData("'we", new[] { "web" })]
    [InlineData("\"WO", new[] { "worker" })]
    [InlineData("", new[] { "api", "web", "worker" })]
    [InlineData("*er", new[] { "worker" })]
    public void Completion_matches_the_typed_prefix_without_quotes_and_ignoring_case(string word, string[] expected) =>
        Assert.Equal(expected, CompletionSource.Complete(["worker", "web", "api", "web"], word));

    [Theory]
    [InlineData("web", "web")]
    [InlineData("my job", "'my job'")]
    [InlineData("it's", "'it''s'")]
    [InlineData("a$b", "'a$b'")]
    public void Names_PowerShell_would_split_are_quoted(string name, string expected) =>
        Assert.Equal(expected, CompletionSource.Quote(name));

    [Fact]
    public void Well_known_events_include_the_job_lifecycle_events() =>
        Assert.Superset(new HashSet<string> { "starting", "started", "stopping", "stopped", "startup" }, KnownEvents.Names.ToHashSet());
}
