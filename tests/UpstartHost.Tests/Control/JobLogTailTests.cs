using UpstartHost.Control;

namespace UpstartHost.Tests.Control;

public sealed class JobLogTailTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("upstartps-logs-");

    public void Dispose() => dir.Delete(true);

    [Fact]
    public async Task Tail_returns_the_last_complete_lines()
    {
        var reader = new JobLogTail(dir.FullName);
        await File.WriteAllTextAsync(reader.PathFor("web", ""), "one\ntwo\nthree\npartial");
        var lines = new List<string>();
        await foreach (var l in reader.ReadAsync("web", "", 2, follow: false))
        {
            lines.Add(l.Line);
        }

        Assert.Equal(["two", "three"], lines);
    }

    [Fact]
    public async Task Instance_logs_use_Upstarts_file_name_and_a_missing_log_is_empty()
    {
        var reader = new JobLogTail(dir.FullName);
        Assert.Equal(Path.Combine(dir.FullName, "foo_bar-wibble.log"), reader.PathFor("foo/bar", "wibble"));
        await foreach (var _ in reader.ReadAsync("nothing", "", 10, follow: false))
        {
            Assert.Fail("no log, no lines");
        }
    }

    [Fact]
    public async Task Follow_delivers_appended_lines()
    {
        var reader = new JobLogTail(dir.FullName);
        var path = reader.PathFor("web", "");
        await File.WriteAllTextAsync(path, "old\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = new List<string>();
        await foreach (var l in reader.ReadAsync("web", "", 1, follow: true, cts.Token))
        {
            lines.Add(l.Line);
            if (lines.Count == 1)
            {
                await File.AppendAllTextAsync(path, "new1\nnew2\n", cts.Token);
            }

            if (lines.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["old", "new1", "new2"], lines);
    }

    [Fact]
    public async Task A_huge_tail_reads_no_more_than_the_tail_byte_bound()
    {
        var reader = new JobLogTail(dir.FullName);
        var line = new string('x', 99);
        await File.WriteAllTextAsync(reader.PathFor("web", ""), string.Concat(Enumerable.Repeat(line + "\n", 40_000)));
        long bytes = 0;
        var count = 0;
        await foreach (var l in reader.ReadAsync("web", "", 100_000, follow: false))
        {
            bytes += l.Line.Length + 1;
            count++;
        }

        Assert.InRange(bytes, JobLogTail.MaxTailBytes - 200, JobLogTail.MaxTailBytes);
        Assert.True(count < 40_000);
    }

    [Fact]
    public async Task Follow_hands_over_a_run_without_newlines_once_it_passes_the_line_bound()
    {
        var reader = new JobLogTail(dir.FullName);
        var path = reader.PathFor("web", "");
        await File.WriteAllTextAsync(path, "");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await File.AppendAllTextAsync(path, new string('y', JobLogTail.MaxLineBytes + 10), cts.Token);
        await foreach (var l in reader.ReadAsync("web", "", 0, follow: true, cts.Token))
        {
            Assert.Equal(JobLogTail.MaxLineBytes + 10, l.Line.Length);
            break;
        }
    }
}
