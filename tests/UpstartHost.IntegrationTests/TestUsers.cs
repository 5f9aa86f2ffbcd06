using System.Diagnostics;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// Real non-root accounts for tests that switch users (`setpriv --reuid`): system accounts without a home,
/// created once (`useradd -r -M`) and reused by every later run.
/// </summary>
internal static class TestUsers
{
    /// <summary>The account the authorisation tests act as.</summary>
    public const string Primary = "upstartps-test";

    /// <summary>A second account: a user other than a job's own.</summary>
    public const string Other = "upstartps-test2";

    /// <summary>`setpriv` arguments that run a command as <paramref name="user"/> with only its own group.</summary>
    public static string[] As(string user) => ["setpriv", "--reuid", user, "--regid", user, "--clear-groups"];

    public static async Task EnsureAsync(string user)
    {
        Assert.True(Environment.UserName == "root", "this test needs root: it runs the daemon in system mode and switches users");
        if (await RunAsync("id", "-u", user) == 0)
        {
            return;
        }

        var rc = await RunAsync("useradd", "-r", "-M", "-s", "/usr/sbin/nologin", user);

        // 9: created meanwhile by a parallel run.
        Assert.True(rc is 0 or 9, $"useradd {user} exited {rc}");
    }

    private static async Task<int> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        return p.ExitCode;
    }
}
