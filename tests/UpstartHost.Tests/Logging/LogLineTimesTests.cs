using System.Text;
using UpstartHost.Control;
using UpstartHost.Logging;

namespace UpstartHost.Tests.Logging;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LogLineTimesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("upstartps-times-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Lines_written_a_second_apart_carry_times_a_second_apart_and_the_log_stays_raw()
    {
        var clock = new SteppedClock(At(0));
        using var writer = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"), clock: clock);
        var path = Path.Combine(directory, "chatter.log");

        writer.TryAppend(path, "first\n"u8.ToArray());
        clock.Now = At(1);
        writer.TryAppend(path, "sec"u8.ToArray());
        clock.Now = At(2);
        // The rest of a line does not move its time: a line is timed by its first byte.
        writer.TryAppend(path, "ond\nthird\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("first\nsecond\nthird\n", await File.ReadAllTextAsync(path));
        var lines = await ReadAll(path);
        Assert.Equal(["first", "second", "third"], lines.Select(l => l.Line));
        Assert.Equal([At(0), At(1), At(2)], lines.Select(l => l.Time));
    }

    [Fact]
    public void A_line_is_timed_by_the_last_record_at_or_before_its_first_byte()
    {
        var path = Path.Combine(directory, "x.log");
        File.WriteAllText(path, "aa\nbb\ncc\n");
        File.WriteAllBytes(LogLineTimes.PathFor(path), [.. LogLineTimes.Record(0, At(10)), .. LogLineTimes.Record(6, At(20))]);

        var times = LogLineTimes.Load(path);

        Assert.Equal(At(10), times.TimeAt(0));
        Assert.Equal(At(10), times.TimeAt(3));
        Assert.Equal(At(20), times.TimeAt(6));
    }

    [Fact]
    public void Lines_from_before_times_were_kept_get_the_first_known_time_or_the_file_s_last_write()
    {
        var path = Path.Combine(directory, "old.log");
        File.WriteAllText(path, "old\nnew\n");
        var modified = new DateTime(2020, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, modified);

        Assert.Equal(new DateTimeOffset(modified), LogLineTimes.Load(path).TimeAt(0));

        File.WriteAllBytes(LogLineTimes.PathFor(path), LogLineTimes.Record(4, At(30)));
        Assert.Equal(At(30), LogLineTimes.Load(path).TimeAt(0));
    }

    [Fact]
    public void Records_of_an_earlier_log_life_and_damaged_records_are_ignored()
    {
        var path = Path.Combine(directory, "rotated.log");
        File.WriteAllText(path, "line\n");
        var text = Encoding.ASCII.GetBytes("500 1\nnot a record\n");
        File.WriteAllBytes(LogLineTimes.PathFor(path), [.. text, .. LogLineTimes.Record(0, At(40)), .. "7 unfinished"u8.ToArray()]);

        Assert.Equal(At(40), LogLineTimes.Load(path).TimeAt(0));
    }

    [Fact]
    public async Task A_log_that_starts_empty_again_starts_its_times_afresh()
    {
        using var writer = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"));
        var path = Path.Combine(directory, "again.log");
        writer.TryAppend(path, "one\ntwo\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        File.Delete(path);
        writer.TryAppend(path, "three\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var records = (await File.ReadAllTextAsync(LogLineTimes.PathFor(path))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(records);
        Assert.StartsWith("0 ", records[0], StringComparison.Ordinal);
    }

    private sealed class SteppedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static DateTimeOffset At(long seconds) => DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + seconds);

    private static async Task<List<UpstartPS.Protocol.Messages.LogLineInfo>> ReadAll(string path)
    {
        var tail = new JobLogTail(Path.GetDirectoryName(path)!);
        var lines = new List<UpstartPS.Protocol.Messages.LogLineInfo>();
        await foreach (var line in tail.ReadAsync(Path.GetFileNameWithoutExtension(path), "", 100, follow: false))
        {
            lines.Add(line);
        }

        return lines;
    }
}
