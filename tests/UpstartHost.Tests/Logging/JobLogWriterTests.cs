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
}
