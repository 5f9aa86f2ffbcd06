using UpstartPS.Connection;
using UpstartPS.Protocol;

namespace UpstartPS.Tests.Logic;

/// <summary>Get-UpstartSession's reading of a session directory: what it lists, how, and which session is current.</summary>
public sealed class LiveSessionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("upstartps-sessions-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Write(int pid, string address) => File.WriteAllText(SessionFiles.PathFor(_directory, pid), SessionFiles.Contents(address));

    [Fact]
    public void Each_live_session_becomes_an_object_with_its_socket_sorted_by_process_id()
    {
        Write(300, "unix:path=/run/user/1000/c.sock");
        Write(20, "unix:path=/run/user/1000/a.sock");

        var sessions = LiveSessions.Read(_directory, currentSocket: null, isAlive: _ => true);

        Assert.Equal([20, 300], sessions.Select(s => s.ProcessId));
        Assert.Equal("unix:path=/run/user/1000/a.sock", sessions[0].Address);
        Assert.Equal("/run/user/1000/a.sock", sessions[0].SocketPath);
        Assert.All(sessions, s => Assert.False(s.IsCurrent));
    }

    [Fact]
    public void Sessions_whose_daemon_is_gone_and_files_that_are_not_sessions_are_skipped()
    {
        Write(10, "unix:path=/a.sock");
        Write(11, "unix:path=/dead.sock");
        File.WriteAllText(Path.Combine(_directory, "12.session"), "garbage\n");
        File.WriteAllText(Path.Combine(_directory, "x13.session"), SessionFiles.Contents("unix:path=/b.sock"));

        var sessions = LiveSessions.Read(_directory, null, isAlive: pid => pid != 11);

        Assert.Equal([10], sessions.Select(s => s.ProcessId));
    }

    [Fact]
    public void A_missing_directory_lists_nothing() =>
        Assert.Empty(LiveSessions.Read(Path.Combine(_directory, "absent"), null, _ => true));

    [Fact]
    public void An_address_that_is_not_ours_has_no_socket_and_is_never_current()
    {
        Write(5, "unix:abstract=/com/ubuntu/upstart-session/1000/5");

        var session = Assert.Single(LiveSessions.Read(_directory, "/run/user/1000/upstartps/control.sock", _ => true));

        Assert.Equal("unix:abstract=/com/ubuntu/upstart-session/1000/5", session.Address);
        Assert.Null(session.SocketPath);
        Assert.False(session.IsCurrent);
    }

    [Fact]
    public void The_session_whose_socket_the_module_would_use_is_current_and_only_that_one()
    {
        Write(7, "unix:path=/run/user/1000/upstartps/control.sock");
        Write(8, "unix:path=/tmp/other/control.sock");

        var sessions = LiveSessions.Read(_directory, "/run/user/1000//upstartps/./control.sock", _ => true);

        Assert.Equal([true, false], sessions.Select(s => s.IsCurrent));
    }

    [Theory]
    [InlineData("/a/b.sock", "/a/b.sock", true)]
    [InlineData("/a/./b.sock", "/a//b.sock", true)]
    [InlineData("/a/x/../b.sock", "/a/b.sock", true)]
    [InlineData("/a/b.sock", "/a/B.sock", false)]
    [InlineData("/a/b.sock", null, false)]
    [InlineData(null, "/a/b.sock", false)]
    [InlineData(null, null, false)]
    public void Sockets_are_the_same_when_their_full_paths_are(string? socket, string? other, bool same) =>
        Assert.Equal(same, LiveSessions.IsSameSocket(socket, other));

    [Fact]
    public void A_session_reads_as_initctl_list_sessions_prints_it_and_sorts_by_process_id()
    {
        Write(42, "unix:path=/s42.sock");
        Write(9, "unix:path=/s9.sock");
        var sessions = LiveSessions.Read(_directory, null, _ => true);

        Assert.Equal("42 unix:path=/s42.sock", sessions[1].ToString());
        Assert.Equal([9, 42], sessions.Reverse().Order().Select(s => s.ProcessId));
    }
}
