using System.Net.Sockets;
using UpstartPS.Protocol;

namespace UpstartCtl.Tests;

/// <summary>
/// Which daemon upstartctl talks to (initctl(8): as root the system init unless a session is asked for),
/// and that the chosen socket is the only one tried.
/// </summary>
public sealed class SocketChoiceTests
{
    private static string Choose(string[] argv, Dictionary<string, string> env, uint uid, Func<string, bool>? exists = null) =>
        Ctl.ChooseSocket(CtlArguments.Parse("initctl", argv), name => env.GetValueOrDefault(name), exists ?? (_ => true), () => uid);

    [Fact]
    public void Root_without_a_session_in_the_environment_talks_to_the_system_daemon()
    {
        var env = new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = "/run/user/0" };

        Assert.Equal(ControlSocketPaths.SystemSocketPath, Choose(["list"], env, uid: 0));
    }

    [Fact]
    public void UPSTART_SESSION_makes_root_talk_to_that_session()
    {
        var env = new Dictionary<string, string> { ["UPSTART_SESSION"] = "unix:path=/run/user/1000/upstartps/control.sock" };

        Assert.Equal("/run/user/1000/upstartps/control.sock", Choose(["list"], env, uid: 0));
    }

    [Fact]
    public void The_session_flag_makes_root_talk_to_its_session_and_the_socket_option_wins_over_everything()
    {
        var env = new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = "/run/user/0", ["UPSTART_SESSION"] = "unix:abstract=/x" };

        Assert.Equal("/run/user/0/upstartps/control.sock", Choose(["--session", "list"], env, uid: 0));
        Assert.Equal("/srv/s.sock", Choose(["--session", "--socket", "/srv/s.sock", "list"], env, uid: 0));
    }

    [Fact]
    public async Task A_dead_chosen_socket_is_an_error_that_names_it_and_nothing_else_is_tried()
    {
        var dir = Directory.CreateTempSubdirectory("ups-ctl-");
        try
        {
            // Bound but never listening: what a daemon that died leaves behind (connect is refused).
            var dead = Path.Combine(dir.FullName, "dead.sock");
            using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            stale.Bind(new UnixDomainSocketEndPoint(dead));
            var env = new Dictionary<string, string> { ["UPSTART_SESSION"] = "unix:path=" + dead };
            using var output = new StringWriter();
            using var error = new StringWriter();

            var exit = await Ctl.RunAsync("initctl", ["list"], output, error, name => env.GetValueOrDefault(name));

            Assert.Equal(1, exit);
            Assert.Equal("", output.ToString());
            Assert.StartsWith(
                $"initctl: Unable to connect to the UpstartPS daemon at {dead}: connection refused (no daemon is listening; the socket may be stale).",
                error.ToString(),
                StringComparison.Ordinal);
            Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
            Assert.DoesNotContain(ControlSocketPaths.SystemSocketPath, error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
