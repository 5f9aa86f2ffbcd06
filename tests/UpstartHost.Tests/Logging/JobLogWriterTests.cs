using System.Text;
using Microsoft.Extensions.Logging;
using UpstartHost.Logging;

namespace UpstartHost.Tests.Logging;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JobLogWriterTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("upstartps-writer-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Chunks_are_appended_in_order_per_file()
    {
        using var writer = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"));
        var a = Path.Combine(directory, "a.log");
        var b = Path.Combine(directory, "b.log");
        await File.WriteAllTextAsync(a, "existing\n");

        writer.TryAppend(a, Encoding.UTF8.GetBytes("1\n"));
        writer.TryAppend(b, Encoding.UTF8.GetBytes("x\n"));
        writer.TryAppend(a, Encoding.UTF8.GetBytes("2\n"));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("existing\n1\n2\n", await File.ReadAllTextAsync(a));
        Assert.Equal("x\n", await File.ReadAllTextAsync(b));
    }

    [Fact]
    public async Task Log_files_are_created_readable_by_owner_and_group_only()
    {
        using var writer = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"));
        var path = Path.Combine(directory, "mode.log");

        writer.TryAppend(path, "x"u8.ToArray());
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Output_beyond_the_queue_limit_is_dropped_without_blocking_and_reported_once()
    {
        var loggers = new CapturingLoggerFactory();
        using var writer = new JobLogWriter(loggers.CreateLogger("w"), queueLimitBytes: 0);

        Assert.False(writer.TryAppend(Path.Combine(directory, "full.log"), "x"u8.ToArray()));
        Assert.False(writer.TryAppend(Path.Combine(directory, "full.log"), "y"u8.ToArray()));

        Assert.Single(loggers.Messages, m => m.Level == LogLevel.Warning && m.Message.Contains("queue is full", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_symlinked_log_is_not_followed()
    {
        using var writer = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"));
        var target = Path.Combine(directory, "target");
        var link = Path.Combine(directory, "link.log");
        File.CreateSymbolicLink(link, target);

        writer.TryAppend(link, "x"u8.ToArray());
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task A_fifo_planted_as_a_log_without_a_reader_is_refused_and_other_logs_are_still_written()
    {
        var loggers = new CapturingLoggerFactory();
        using var writer = new JobLogWriter(loggers.CreateLogger("w"));
        var fifo = Path.Combine(directory, "planted.log");
        MakeFifo(fifo);
        var other = Path.Combine(directory, "other.log");

        writer.TryAppend(fifo, "secret\n"u8.ToArray());
        writer.TryAppend(other, "still written\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("still written\n", await File.ReadAllTextAsync(other));
        Assert.Single(loggers.Messages, m => m.Level == LogLevel.Warning
            && m.Message.Contains($"Refusing to write job log {fifo}: it is not a regular file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_log_file_another_user_created_first_gets_none_of_the_output()
    {
        var loggers = new CapturingLoggerFactory();
        using var writer = new JobLogWriter(loggers.CreateLogger("w"));
        var planted = Path.Combine(directory, "planted-by-nobody.log");
        await File.WriteAllTextAsync(planted, "");
        // chown(2) directly: a child process would meet this test assembly's in-process reaper (the test host fails
        // fast when another reaper takes a child System.Diagnostics.Process started).
        Assert.Equal(0, chown(planted, 65534, -1));

        var own = Path.Combine(directory, "own.log");
        writer.TryAppend(planted, "secret\n"u8.ToArray());
        writer.TryAppend(own, "written\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("", await File.ReadAllTextAsync(planted));
        Assert.Equal("written\n", await File.ReadAllTextAsync(own));
        Assert.Single(loggers.Messages, m => m.Level == LogLevel.Warning
            && m.Message.Contains($"Refusing to write job log {planted}: it is not a regular file of the daemon's own", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fifo_planted_as_a_log_with_a_reader_gets_none_of_the_output()
    {
        var loggers = new CapturingLoggerFactory();
        using var writer = new JobLogWriter(loggers.CreateLogger("w"));
        var fifo = Path.Combine(directory, "read.log");
        MakeFifo(fifo);

        // Opened read-write, a FIFO opens at once and has a reader: the writer's open succeeds, its fstat refuses.
        using var reader = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        writer.TryAppend(fifo, "secret\n"u8.ToArray());
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains(loggers.Messages, m => m.Message.Contains($"Refusing to write job log {fifo}: it is not a regular file", StringComparison.Ordinal));
        Assert.Equal(0, Available(reader));
    }

    private static void MakeFifo(string path) => Assert.Equal(0, mkfifo(path, 0x1b6));

    private static unsafe int Available(FileStream stream)
    {
        var count = 0;
        Assert.Equal(0, ioctl((int)stream.SafeFileHandle.DangerousGetHandle(), 0x541B, &count)); // FIONREAD
        return count;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, uint mode);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int chown([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int owner, int group);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern unsafe int ioctl(int fd, ulong request, int* argument);
}
