using UpstartHost.Control;

namespace UpstartHost.Tests.Control;

public sealed class JobLogTailTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("upstartps-logs-");

    public void Dispose() => dir.Delete(true);

    [Fact]
    public async Task Tail_returns_the_last_lines_and_an_unfinished_last_line_counts()
    {
        // A job that died after printf "fatal: …" without a newline: that last message is the one wanted.
        var reader = new JobLogTail(dir.FullName);
        await File.WriteAllTextAsync(reader.PathFor("web", ""), "one\ntwo\nthree\nfatal: partial");
        var lines = new List<string>();
        await foreach (var l in reader.ReadAsync("web", "", 2, follow: false))
        {
            lines.Add(l.Line);
        }

        Assert.Equal(["three", "fatal: partial"], lines);
    }

    [Fact]
    public async Task Tail_of_complete_lines_is_unchanged()
    {
        var reader = new JobLogTail(dir.FullName);
        await File.WriteAllTextAsync(reader.PathFor("web", ""), "one\ntwo\nthree\n");
        var lines = new List<string>();
        await foreach (var l in reader.ReadAsync("web", "", 2, follow: false))
        {
            lines.Add(l.Line);
        }

        Assert.Equal(["two", "three"], lines);
    }

    [Fact]
    public async Task Follow_hands_over_an_unfinished_last_line_once_the_log_has_been_quiet()
    {
        var reader = new JobLogTail(dir.FullName);
        var path = reader.PathFor("web", "");
        await File.WriteAllTextAsync(path, "done\nfatal: no newline");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = new List<string>();
        await foreach (var l in reader.ReadAsync("web", "", 1, follow: true, cts.Token))
        {
            lines.Add(l.Line);
            if (lines.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(["done", "fatal: no newline"], lines);
    }

    [Fact]
    public async Task Follow_reads_on_across_a_rotation_by_rename_and_create_without_losing_a_line()
    {
        // logrotate's default (rename, then create): what reached the old file after the last poll is read
        // from it, and the new file is read from its start, however much it already holds.
        var reader = new JobLogTail(dir.FullName);
        var path = reader.PathFor("web", "");
        await File.WriteAllTextAsync(path, "a1\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = new List<string>();
        await foreach (var l in reader.ReadAsync("web", "", 1, follow: true, cts.Token))
        {
            lines.Add(l.Line);
            if (l.Line == "a1")
            {
                await File.AppendAllTextAsync(path, "a2\n", cts.Token);
                File.Move(path, path + ".1");
                await File.WriteAllTextAsync(path, "b1\n", cts.Token);
            }
            else if (l.Line == "b1")
            {
                await File.AppendAllTextAsync(path, "b2\n", cts.Token);
            }
            else if (l.Line == "b2")
            {
                break;
            }
        }

        Assert.Equal(["a1", "a2", "b1", "b2"], lines);
    }

    [Fact]
    public async Task Follow_starts_a_truncated_log_over_from_its_start()
    {
        // logrotate's copytruncate: the same file, emptied, then written again.
        var reader = new JobLogTail(dir.FullName);
        var path = reader.PathFor("web", "");
        await File.WriteAllTextAsync(path, "old line\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = new List<string>();
        await foreach (var l in reader.ReadAsync("web", "", 1, follow: true, cts.Token))
        {
            lines.Add(l.Line);
            if (l.Line == "old line")
            {
                await using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    truncate.SetLength(0);
                }

                await File.AppendAllTextAsync(path, "new\n", cts.Token);
            }
            else
            {
                break;
            }
        }

        Assert.Equal(["old line", "new"], lines);
    }

    [Fact]
    public async Task Follow_decodes_a_character_split_between_two_reads()
    {
        // Follow reads the log in chunks of 64 KiB (256 KiB before); lines of "é" put either boundary between the two bytes of one.
        var reader = new JobLogTail(dir.FullName);
        var path = reader.PathFor("web", "");
        await File.WriteAllTextAsync(path, "start\n");
        const int count = 100_000;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = new List<string>();
        await foreach (var l in reader.ReadAsync("web", "", 1, follow: true, cts.Token))
        {
            if (l.Line == "start")
            {
                await File.AppendAllTextAsync(path, string.Concat(Enumerable.Repeat("é\n", count)), cts.Token);
                continue;
            }

            lines.Add(l.Line);
            if (lines.Count == count)
            {
                break;
            }
        }

        Assert.All(lines, line => Assert.Equal("é", line));
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
        // The run is appended once following has begun (appended before, it would be behind the start of follow).
        var reader = new JobLogTail(dir.FullName);
        var path = reader.PathFor("web", "");
        await File.WriteAllTextAsync(path, "start\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = new List<string>();
        await foreach (var l in reader.ReadAsync("web", "", 1, follow: true, cts.Token))
        {
            lines.Add(l.Line);
            if (lines.Count == 1)
            {
                await File.AppendAllTextAsync(path, new string('y', JobLogTail.MaxLineBytes + 10), cts.Token);
            }
            else
            {
                break;
            }
        }

        Assert.Equal(["start", new string('y', JobLogTail.MaxLineBytes + 10)], lines);
    }
}
