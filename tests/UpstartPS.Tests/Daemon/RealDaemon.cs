using System.Runtime.Versioning;
using UpstartPS.TestSupport;

namespace UpstartPS.Tests.Daemon;

/// <summary>
/// The built `upstart-host --session` through the one real-daemon fixture (tests/UpstartPS.TestSupport), for
/// checking the module's assumptions (error codes, instance environments, blocking) against the real daemon.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class RealDaemon
{
    public static async Task<DaemonFixture> StartAsync(params (string Name, string Text)[] jobs)
    {
        var daemon = DaemonFixture.Create();
        try
        {
            // No test here relies on inotify: a long quiet period leaves reloads to the tests.
            await File.WriteAllTextAsync(daemon.SettingsPath, "{ \"reloadDebounceMilliseconds\": 60000 }");
            foreach (var (name, text) in jobs)
            {
                daemon.WriteJob(name, text);
            }

            await daemon.StartAsync();
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }
}
