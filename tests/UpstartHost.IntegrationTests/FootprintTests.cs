namespace UpstartHost.IntegrationTests;

/// <summary>What the running daemon holds at rest (docs/performance.md).</summary>
[Collection(RealDaemonTests.Name)]
public class FootprintTests
{
    [Fact]
    public async Task The_daemon_does_not_map_openssl_once_its_jobs_are_loaded()
    {
        await using var d = await DaemonFixture.StartNewAsync(("web", "start on startup\nexec /bin/sleep 1000\n"));
        await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("web")).Single().State == "running", "web");

        // Job-file change detection used SHA-256, which maps libcrypto and libssl (~3.7 MiB resident) for nothing else.
        var maps = await File.ReadAllTextAsync($"/proc/{d.DaemonPid}/maps");

        Assert.DoesNotContain("libcrypto", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libssl", maps, StringComparison.Ordinal);
    }
}
