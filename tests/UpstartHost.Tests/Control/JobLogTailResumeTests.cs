using UpstartHost.Control;
using UpstartHost.Logging;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Tests.Control;

/// <summary>
/// A followed log across the daemon's re-exec: the old program ends the follow with where it stood, the next one
/// reads on from there, so the client gets every line once.
/// </summary>
public sealed class JobLogTailResumeTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("upstartps-logs-");

    public void Dispose() => dir.Delete(true);

    private string LogPath => Path.Combine(dir.FullName, "web.log");

    [Fact]
    public async Task A_handover_sends_the_complete_lines_and_points_at_a_line_still_waiting_for_its_newline()
    {
        await File.WriteAllTextAsync(LogPath, "one\n");
        using var handover = new CancellationTokenSource();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<string>();
        var ended = await Assert.ThrowsAsync<StreamHandoverException>(async () =>
        {
            await foreach (var line in JobLogTail.ReadAsync(LogPath, "web", "", 1, follow: true, resume: null, handover.Token, deadline.Token))
            {
                seen.Add(line.Line);
                if (line.Line == "one")
                {
                    // Written after the follow began, the last of it unfinished, then the daemon hands over.
                    await File.AppendAllTextAsync(LogPath, "two\nthr", deadline.Token);
                    await handover.CancelAsync();
                }
            }
        });

        Assert.Equal(["one", "two"], seen);
        var point = LogResumePoint.Parse(ended.Resume);
        Assert.Equal("one\ntwo\n".Length, point.Offset);
        Assert.Equal(IdentityOf(LogPath), point.File);
    }

    [Fact]
    public async Task Resuming_reads_on_from_the_point_with_no_tail_and_the_unfinished_line_whole()
    {
        await File.WriteAllTextAsync(LogPath, "one\ntwo\nthr");
        var point = new LogResumePoint(IdentityOf(LogPath), "one\ntwo\n".Length);

        await File.AppendAllTextAsync(LogPath, "ee\nfour\n");

        Assert.Equal(["three", "four"], await FollowAsync(point, 2));
    }

    [Theory]
    [InlineData(".1")]
    [InlineData("-20261207")]
    public async Task A_log_rotated_meanwhile_is_read_on_in_the_rotated_file_then_from_the_start_of_the_new_one(string suffix)
    {
        await File.WriteAllTextAsync(LogPath, "old one\nold two\n");
        var point = new LogResumePoint(IdentityOf(LogPath), 8);

        // Rotated during the exec (logrotate: rename, then create); the job wrote to the old file before the rename.
        await File.AppendAllTextAsync(LogPath, "old three\n");
        File.Move(LogPath, LogPath + suffix);
        await File.WriteAllTextAsync(LogPath, "new one\n");

        Assert.Equal(["old two", "old three", "new one"], await FollowAsync(point, 3));
    }

    [Theory]
    [InlineData("web.log.old")]
    [InlineData("web.log.1.gz")]
    [InlineData("elsewhere.log")]
    public async Task A_log_moved_to_a_name_logrotate_does_not_give_is_not_looked_for_and_the_new_one_is_read_from_its_start(string movedTo)
    {
        await File.WriteAllTextAsync(LogPath, "old one\nold two\n");
        var point = new LogResumePoint(IdentityOf(LogPath), 8);

        File.Move(LogPath, Path.Combine(dir.FullName, movedTo));
        await File.WriteAllTextAsync(LogPath, "new one\n");

        Assert.Equal(["new one"], await FollowAsync(point, 1));
    }

    [Fact]
    public async Task A_link_named_as_a_rotation_is_never_followed()
    {
        var held = Path.Combine(dir.FullName, "kept-elsewhere");
        await File.WriteAllTextAsync(LogPath, "old one\nsecret\n");
        var point = new LogResumePoint(IdentityOf(LogPath), 8);
        File.Move(LogPath, held);
        File.CreateSymbolicLink(LogPath + ".1", held);
        await File.WriteAllTextAsync(LogPath, "new one\n");

        Assert.Equal(["new one"], await FollowAsync(point, 1));
    }

    [Theory]
    [InlineData("web.log.1", true)]
    [InlineData("web.log.12", true)]
    [InlineData("web.log-20261207", true)]
    [InlineData("web.log.", false)]
    [InlineData("web.log.log", false)]
    [InlineData("web.log.1.gz", false)]
    [InlineData("web.logs1", false)]
    [InlineData("web.log", false)]
    public void Only_logrotate_s_numbered_and_dated_names_are_rotations(string candidate, bool rotation)
    {
        Assert.Equal(rotation, RotatedLogs.IsRotationOf("web.log", candidate));
    }

    [Fact]
    public async Task A_log_truncated_below_the_point_is_read_from_its_start()
    {
        await File.WriteAllTextAsync(LogPath, "a long first line\nand a second\n");
        var point = new LogResumePoint(IdentityOf(LogPath), 31);

        await File.WriteAllTextAsync(LogPath, "short\n");

        Assert.Equal(["short"], await FollowAsync(point, 1));
    }

    [Fact]
    public async Task A_log_created_after_the_handover_is_read_from_its_start()
    {
        var point = new LogResumePoint(null, 0);
        await File.WriteAllTextAsync(LogPath, "first words\n");

        Assert.Equal(["first words"], await FollowAsync(point, 1));
    }

    [Theory]
    [InlineData("log1:8:1:1234:42", 8u, 1u, 1234ul, 42L)]
    [InlineData("log1:0:0:0:0", null, null, null, 0L)]
    public void A_point_reads_back_as_it_was_written(string text, uint? major, uint? minor, ulong? inode, long offset)
    {
        var point = LogResumePoint.Parse(text);

        Assert.Equal(inode is null ? null : (major!.Value, minor!.Value, inode.Value), point.File);
        Assert.Equal(offset, point.Offset);
        Assert.Equal(text, point.Format());
    }

    [Theory]
    [InlineData("")]
    [InlineData("watch1")]
    [InlineData("log1:1:2:3")]
    [InlineData("log1:1:2:3:-4")]
    [InlineData("log1:1:2:3:4:5")]
    [InlineData("log1:a:2:3:4")]
    [InlineData("log2:1:2:3:4")]
    public void Anything_else_is_a_bad_request(string text)
    {
        var refused = Assert.Throws<UpstartException>(() => LogResumePoint.Parse(text));

        Assert.Equal(UpstartErrorCode.BadRequest, refused.Code);
    }

    private static (uint Major, uint Minor, ulong Inode)? IdentityOf(string path)
    {
        using var file = LogFileReading.Open(path) ?? throw new FileNotFoundException(path);
        return LogFileReading.Identity(file);
    }

    private async Task<List<string>> FollowAsync(LogResumePoint point, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<string>();
        await foreach (var line in JobLogTail.ReadAsync(LogPath, "web", "", tail: 10, follow: true, point, CancellationToken.None, deadline.Token))
        {
            seen.Add(line.Line);
            if (seen.Count == count)
            {
                break;
            }
        }

        return seen;
    }
}
