namespace UpstartPS.Protocol.Tests;

public sealed class ControlSocketPathsTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void UPSTARTPS_SOCKET_wins_when_no_mode_is_forced()
    {
        var env = new Dictionary<string, string> { ["UPSTARTPS_SOCKET"] = "/srv/my.sock", ["XDG_RUNTIME_DIR"] = "/run/user/1000" };

        Assert.Equal("/srv/my.sock", Resolve(null, env, _ => true));
    }

    [Fact]
    public void The_session_socket_is_used_when_it_exists()
    {
        var env = new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = "/run/user/1000" };

        Assert.Equal("/run/user/1000/upstartps/control.sock", Resolve(null, env, p => p == "/run/user/1000/upstartps/control.sock"));
    }

    [Fact]
    public void The_system_socket_is_used_when_there_is_no_session_daemon()
    {
        var env = new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = "/run/user/1000" };

        Assert.Equal("/run/upstartps/control.sock", Resolve(null, env, _ => false));
    }

    [Fact]
    public void Without_XDG_RUNTIME_DIR_the_session_socket_is_in_a_per_uid_tmp_directory()
    {
        Assert.Equal("/tmp/upstartps-1000/control.sock", Resolve(false, NoEnvironment, _ => false));
        Assert.Equal("/tmp/upstartps-1000/control.sock", ControlSocketPaths.SessionSocketPath("", 1000));
    }

    [Fact]
    public void Forcing_a_mode_ignores_UPSTARTPS_SOCKET()
    {
        var env = new Dictionary<string, string> { ["UPSTARTPS_SOCKET"] = "/srv/my.sock", ["XDG_RUNTIME_DIR"] = "/run/user/1000" };

        Assert.Equal("/run/upstartps/control.sock", Resolve(true, env, _ => true));
        Assert.Equal("/run/user/1000/upstartps/control.sock", Resolve(false, env, _ => false));
    }

    [Fact]
    public void As_root_without_a_session_asked_for_the_system_daemon_is_chosen_even_when_a_session_socket_exists()
    {
        var env = new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = "/run/user/0" };

        // Upstart's initctl run as root talks to the system init; a stale /tmp/upstartps-0 is no reason not to.
        Assert.Equal("/run/upstartps/control.sock", Resolve(null, env, _ => true, uid: 0));
        Assert.Equal("/run/upstartps/control.sock", Resolve(null, NoEnvironment, _ => true, uid: 0));
    }

    [Fact]
    public void As_root_a_session_is_chosen_when_asked_for_with_the_session_flag()
    {
        Assert.Equal("/tmp/upstartps-0/control.sock", Resolve(false, NoEnvironment, _ => false, uid: 0));
    }

    [Fact]
    public void UPSTART_SESSION_names_the_session_daemon_to_talk_to_for_root_and_users_alike()
    {
        var env = new Dictionary<string, string> { ["UPSTART_SESSION"] = "unix:path=/run/user/1000/upstartps/control.sock" };

        Assert.Equal("/run/user/1000/upstartps/control.sock", Resolve(null, env, _ => false, uid: 0));
        Assert.Equal("/run/user/1000/upstartps/control.sock", Resolve(null, env, _ => false));
        Assert.Equal("/run/user/1000/upstartps/control.sock", Resolve(false, env, _ => false, uid: 0));
        Assert.Equal("/run/upstartps/control.sock", Resolve(true, env, _ => true, uid: 0));
    }

    [Fact]
    public void An_UPSTART_SESSION_address_of_another_form_means_this_users_session_socket()
    {
        var env = new Dictionary<string, string> { ["UPSTART_SESSION"] = "unix:abstract=/com/ubuntu/upstart-session/1000/42", ["XDG_RUNTIME_DIR"] = "/run/user/1000" };

        Assert.Equal("/run/user/1000/upstartps/control.sock", Resolve(null, env, _ => false, uid: 0));
    }

    [Theory]
    [InlineData("unix:path=/run/user/1000/upstartps/control.sock", "/run/user/1000/upstartps/control.sock")]
    [InlineData("unix:path=relative.sock", "relative.sock")]
    [InlineData("unix:path=", null)]
    [InlineData("unix:abstract=/com/ubuntu/upstart-session/1000/42", null)]
    [InlineData("UNIX:PATH=/tmp/s.sock", null)]
    [InlineData("", null)]
    public void Only_a_unix_path_address_names_a_socket_of_ours(string address, string? socket) =>
        Assert.Equal(socket, ControlSocketPaths.SocketPathFromAddress(address));

    [Fact]
    public void UPSTARTPS_SOCKET_wins_over_UPSTART_SESSION()
    {
        var env = new Dictionary<string, string> { ["UPSTARTPS_SOCKET"] = "/srv/my.sock", ["UPSTART_SESSION"] = "unix:path=/run/user/1000/upstartps/control.sock" };

        Assert.Equal("/srv/my.sock", Resolve(null, env, _ => true, uid: 0));
    }

    [Fact]
    public void The_current_uid_is_read_from_proc()
    {
        var statusUid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[2];

        Assert.Equal(uint.Parse(statusUid, System.Globalization.CultureInfo.InvariantCulture), ControlSocketPaths.CurrentUid());
    }

    private const uint User = 1000;

    private static string Resolve(bool? system, Dictionary<string, string> env, Func<string, bool> exists, uint uid = User) =>
        ControlSocketPaths.Resolve(system, name => env.GetValueOrDefault(name), exists, () => uid);
}
