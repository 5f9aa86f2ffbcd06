using UpstartHost.Control;
using UpstartHost.Logging;

namespace UpstartHost.Tests.Logging;

/// <summary>Issue 12 item 2: logs are read for clients without following links, and only as regular files.</summary>
public sealed class LogFileReadingTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("upstartps-logopen-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_regular_log_is_opened_and_a_missing_one_is_none()
    {
        var path = Path.Combine(directory, "a.log");
        File.WriteAllText(path, "hello\n");

        using (var stream = LogFileReading.Open(path))
        {
            Assert.NotNull(stream);
            Assert.Equal(6, stream.Length);
        }

        Assert.Null(LogFileReading.Open(Path.Combine(directory, "none.log")));
        Assert.Null(LogFileReading.Problem(Path.Combine(directory, "none.log")));
        Assert.Equal(6, LogFileReading.Length(path));
    }

    [Fact]
    public void A_symbolic_link_is_refused_and_what_it_points_to_is_never_read()
    {
        var secret = Path.Combine(directory, "secret");
        File.WriteAllText(secret, "TOP-SECRET\n");
        var link = Path.Combine(directory, "r.log");
        File.CreateSymbolicLink(link, secret);

        var e = Assert.Throws<LogFileRefusedException>(() => LogFileReading.Open(link));
        Assert.Equal($"Refusing to read log {link}: it is a symbolic link", e.Message);
        Assert.Equal(0, LogFileReading.Length(link));
        Assert.Empty(JobLogTail.LastLines(link, 10));
        Assert.Equal(e.Message, JobLogTail.RefusalFor(new JobLogTail(directory).PathFor("r", "")));
    }

    [Fact]
    public void A_directory_is_not_a_regular_file()
    {
        var path = Path.Combine(directory, "d.log");
        Directory.CreateDirectory(path);

        Assert.Equal($"Refusing to read log {path}: it is not a regular file", LogFileReading.Problem(path));
    }
}
