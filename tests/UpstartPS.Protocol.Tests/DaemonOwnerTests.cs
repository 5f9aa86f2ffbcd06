using System.Diagnostics;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// A client speaks only to a daemon that runs as root or as its own user (SO_PEERCRED): any other uid on the socket is
/// someone else's program on a path the user took for its own (`/tmp/upstartps-UID` may be made by anyone first).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DaemonOwnerTests
{
    /// <summary>Listens as another user, says "ready", and prints how many bytes the first client sent before it closed.</summary>
    private const string Trap = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(sys.argv[1]); s.listen(4)
        print("ready", flush=True)
        c, _ = s.accept(); c.settimeout(10)
        got = b""
        try:
            while True:
                d = c.recv(65536)
                if not d: break
                got += d
        except socket.timeout:
            pass
        print(len(got), flush=True)
        """;

    [Fact]
    public async Task Neither_client_sends_anything_to_a_daemon_of_another_user()
    {
        if (!PeerProcess.CanRun)
        {
            return;
        }

        var (uid, gid, _) = await PeerProcess.EnsureAccountsAsync();
        var directory = TestServer.NewDirectory();
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        try
        {
            foreach (var blocking in new[] { true, false })
            {
                var path = Path.Combine(directory, blocking ? "b" : "a");
                var start = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true };
                foreach (var argument in new[] { $"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--", "/usr/bin/python3", "-c", Trap, path })
                {
                    start.ArgumentList.Add(argument);
                }

                using var trap = Process.Start(start)!;
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    Assert.Equal("ready", await trap.StandardOutput.ReadLineAsync(deadline.Token));
                    var options = new UpstartClientOptions { SocketPath = path, ConnectTimeout = TimeSpan.FromSeconds(5) };

                    var refused = blocking
                        ? Assert.Throws<UpstartException>(() => BlockingUpstartClient.Connect(options).Start("web", ["TOKEN=secret"], wait: true))
                        : await Assert.ThrowsAsync<UpstartException>(() => UpstartClient.ConnectAsync(options, deadline.Token));

                    Assert.Equal(UpstartErrorCode.UntrustedDaemon, refused.Code);
                    Assert.Contains($"its process runs as uid {uid}, neither root nor you (uid 0)", refused.Message, StringComparison.Ordinal);
                    Assert.Equal("0", await trap.StandardOutput.ReadLineAsync(deadline.Token));
                }
                finally
                {
                    if (!trap.HasExited)
                    {
                        trap.Kill();
                    }

                    await trap.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
