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
        var uid = ControlSocketPaths.CurrentUid();

        Assert.Equal($"/tmp/upstartps-{uid}/control.sock", Resolve(false, NoEnvironment, _ => false));
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
    public void The_current_uid_is_read_from_proc()
    {
        var statusUid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[2];

        Assert.Equal(uint.Parse(statusUid, System.Globalization.CultureInfo.InvariantCulture), ControlSocketPaths.CurrentUid());
    }

    private static string Resolve(bool? system, Dictionary<string, string> env, Func<string, bool> exists) =>
        ControlSocketPaths.Resolve(system, name => env.GetValueOrDefault(name), exists);
}
