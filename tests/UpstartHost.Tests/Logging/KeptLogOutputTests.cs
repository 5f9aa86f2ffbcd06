using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using UpstartHost.Logging;

namespace UpstartHost.Tests.Logging;

/// <summary>
/// Output whose log cannot be written (its directory not there yet, a full disk) is kept in memory and written,
/// in order and exactly once, when it can be: before the file's next output, at notify-disk-writeable
/// (<see cref="JobLogWriter.RetryPendingAsync"/>), or by the writer's own retry (UPSTART.md §f).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class KeptLogOutputTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string directory = Directory.CreateTempSubdirectory("upstartps-kept-").FullName;
    private string? mounted;

    public void Dispose()
    {
        if (mounted is not null)
        {
            _ = umount2(mounted, 0);
        }

        Directory.Delete(directory, recursive: true);
    }

    /// <summary>A log directory that cannot be created yet: its parent's name is taken by a regular file (as a log directory on a filesystem not mounted yet).</summary>
    private string BlockedLog(string name)
    {
        File.WriteAllText(Path.Combine(directory, "logs"), "not a directory");
        return Path.Combine(directory, "logs", name);
    }

    private void Unblock()
    {
        File.Delete(Path.Combine(directory, "logs"));
        Directory.CreateDirectory(Path.Combine(directory, "logs"));
    }

    [Fact]
    public async Task Output_kept_while_the_directory_was_missing_is_written_in_order_at_notify_disk_writeable()
    {
        var loggers = new CapturingLoggerFactory();
        using var writer = new JobLogWriter(loggers.CreateLogger("w"), retryInterval: TimeSpan.FromHours(1));
        var log = BlockedLog("web.log");

        writer.TryAppend(log, "1\n"u8.ToArray());
        writer.TryAppend(log, "2\n"u8.ToArray());
        Assert.Equal(4, await writer.RetryPendingAsync().WaitAsync(Deadline));
        writer.TryAppend(log, "3\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(Deadline);
        Assert.Equal(6, writer.PendingBytes);
        Assert.False(File.Exists(log));

        Unblock();
        Assert.Equal(0, await writer.RetryPendingAsync().WaitAsync(Deadline));

        Assert.Equal("1\n2\n3\n", await File.ReadAllTextAsync(log));
        Assert.Single(loggers.Messages, m => m.Level == LogLevel.Warning && m.Message.Contains("kept in memory", StringComparison.Ordinal));
        Assert.Single(loggers.Messages, m => m.Message.Contains("writable again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kept_output_goes_out_before_the_file_s_next_output()
    {
        using var writer = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"), retryInterval: TimeSpan.FromHours(1));
        var log = BlockedLog("web.log");
        writer.TryAppend(log, "early\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(Deadline);

        Unblock();
        writer.TryAppend(log, "late\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(Deadline);

        Assert.Equal("early\nlate\n", await File.ReadAllTextAsync(log));
        Assert.Equal(0, writer.PendingBytes);
    }

    [Fact]
    public async Task The_writer_tries_kept_output_again_by_itself_when_nothing_else_comes()
    {
        using var writer = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"), retryInterval: TimeSpan.FromMilliseconds(50));
        var log = BlockedLog("ended.log");
        writer.TryAppend(log, "last words\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(Deadline);
        Assert.Equal(11, writer.PendingBytes);

        Unblock();

        var clock = Stopwatch.StartNew();
        while (writer.PendingBytes > 0 && clock.Elapsed < Deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(0, writer.PendingBytes);
        Assert.Equal("last words\n", await File.ReadAllTextAsync(log));
    }

    [Fact]
    public async Task Past_the_bound_further_output_is_dropped_and_said_once()
    {
        var loggers = new CapturingLoggerFactory();
        using var writer = new JobLogWriter(loggers.CreateLogger("w"), pendingLimitBytes: 5, retryInterval: TimeSpan.FromHours(1));
        var log = BlockedLog("chatty.log");

        writer.TryAppend(log, "abc"u8.ToArray());
        writer.TryAppend(log, "de"u8.ToArray());
        writer.TryAppend(log, "fgh"u8.ToArray());
        writer.TryAppend(log, "ijk"u8.ToArray());
        await writer.FlushAsync().WaitAsync(Deadline);
        Unblock();
        await writer.RetryPendingAsync().WaitAsync(Deadline);

        Assert.Equal("abcde", await File.ReadAllTextAsync(log));
        Assert.Single(loggers.Messages, m => m.Message.Contains("has reached 5 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_that_keeps_writing_past_the_bound_is_said_dropped_once_not_once_per_write()
    {
        // Each write of a spewing job is a batch of its own: taking the kept output for the retry used to empty the
        // count and re-arm the warning, so a `yes` on a full disk logged it thousands of times a second.
        var loggers = new CapturingLoggerFactory();
        using var writer = new JobLogWriter(loggers.CreateLogger("w"), pendingLimitBytes: 5, retryInterval: TimeSpan.FromHours(1));
        var log = BlockedLog("spew.log");
        writer.TryAppend(log, "abcde"u8.ToArray());
        await writer.FlushAsync().WaitAsync(Deadline);
        for (var i = 0; i < 5; i++)
        {
            writer.TryAppend(log, "x"u8.ToArray());
            await writer.FlushAsync().WaitAsync(Deadline);
        }

        Assert.Equal(5, writer.PendingBytes);
        Assert.Single(loggers.Messages, m => m.Message.Contains("has reached 5 bytes", StringComparison.Ordinal));

        // Once the kept output is out, a new run of failures past the bound is said again.
        Unblock();
        Assert.Equal(0, await writer.RetryPendingAsync().WaitAsync(Deadline));
        Assert.Equal("abcde", await File.ReadAllTextAsync(log));
        Directory.Delete(Path.Combine(directory, "logs"), recursive: true);
        BlockedLog("spew.log");
        writer.TryAppend(log, "fghijk"u8.ToArray());
        await writer.FlushAsync().WaitAsync(Deadline);
        Assert.Equal(2, loggers.Messages.Count(m => m.Message.Contains("has reached 5 bytes", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Kept_output_taken_for_a_re_exec_is_handed_over_whole_and_written_by_the_writer_that_keeps_it_again()
    {
        using var before = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"), retryInterval: TimeSpan.FromHours(1));
        var log = BlockedLog("web.log");
        var other = BlockedLog("other.log");
        before.TryAppend(log, "1\n"u8.ToArray());
        before.TryAppend(other, "x\n"u8.ToArray());
        before.TryAppend(log, "2\n"u8.ToArray());
        await before.FlushAsync().WaitAsync(Deadline);

        var kept = before.TakeKept();

        Assert.Equal(0, before.PendingBytes);
        Assert.Equal(["1\n", "2\n"], kept.Where(k => k.Path == log).Select(k => Encoding.ASCII.GetString(k.Data.Span)));
        using var after = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"), retryInterval: TimeSpan.FromHours(1));
        after.Keep(kept);
        after.TryAppend(log, "3\n"u8.ToArray());
        await after.FlushAsync().WaitAsync(Deadline);
        Assert.Equal(8, after.PendingBytes);

        Unblock();
        Assert.Equal(0, await after.RetryPendingAsync().WaitAsync(Deadline));
        Assert.Equal("1\n2\n3\n", await File.ReadAllTextAsync(log));
        Assert.Equal("x\n", await File.ReadAllTextAsync(other));
    }

    [Fact]
    public async Task Output_still_kept_when_the_daemon_goes_is_reported_lost_with_its_log()
    {
        var loggers = new CapturingLoggerFactory();
        var writer = new JobLogWriter(loggers.CreateLogger("w"), retryInterval: TimeSpan.FromHours(1));
        var log = BlockedLog("web.log");
        writer.TryAppend(log, "unsaid\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(Deadline);

        writer.Dispose();

        Assert.Single(loggers.Messages, m => m.Level == LogLevel.Warning && m.Message.Contains("7 bytes of job output", StringComparison.Ordinal) && m.Message.Contains(log, StringComparison.Ordinal));
        Assert.Equal(0, writer.PendingBytes);
    }

    [Fact]
    public async Task A_full_disk_keeps_exactly_the_bytes_it_refused_and_writes_them_once_space_is_freed()
    {
        Assert.True(Environment.UserName == "root", "mounting a small tmpfs needs root (CI runs as root)");
        var disk = Path.Combine(directory, "disk");
        Directory.CreateDirectory(disk);
        Assert.True(mount("tmpfs", disk, "tmpfs", 0, "size=64k") == 0, "mount: errno " + Marshal.GetLastPInvokeError());
        mounted = disk;
        var filler = Path.Combine(disk, "filler");
        Assert.True(FullDisk.Fill(filler), "the tmpfs never filled up");
        using var writer = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"), retryInterval: TimeSpan.FromHours(1));
        var log = Path.Combine(disk, "full.log");
        var text = new StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            var line = $"line {i:D5}\n";
            text.Append(line);
            writer.TryAppend(log, Encoding.ASCII.GetBytes(line));
        }

        await writer.FlushAsync().WaitAsync(Deadline);
        Assert.True(writer.PendingBytes > 0);

        File.Delete(filler);
        Assert.Equal(0, await writer.RetryPendingAsync().WaitAsync(Deadline));

        Assert.Equal(text.ToString(), await File.ReadAllTextAsync(log));
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string source, string target, string filesystemType, ulong flags, string data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);
}
