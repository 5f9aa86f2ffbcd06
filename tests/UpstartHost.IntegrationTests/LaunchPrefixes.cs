namespace UpstartHost.IntegrationTests;

/// <summary>Commands a test daemon is exec'd through (<see cref="UpstartPS.TestSupport.DaemonFixture.LaunchPrefix"/>).</summary>
internal static class LaunchPrefixes
{
    /// <summary>
    /// The daemon starts with <paramref name="signal"/> (TERM, CHLD, …) ignored: bash's `trap ''` sets SIG_IGN,
    /// which survives exec (dash's does not for CHLD, hence bash).
    /// </summary>
    public static string[] IgnoringSignal(string signal) =>
        ["/bin/bash", "-c", $"trap '' {signal}; exec \"$@\"", "sh"];
}
