using System.Text.RegularExpressions;

namespace UpstartHost.IntegrationTests;

/// <summary>What the running daemon holds at rest (docs/performance.md).</summary>
[Collection(RealDaemonTests.Name)]
public partial class FootprintTests
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

    [Fact]
    public async Task A_burst_of_job_starts_is_collected_once_the_daemon_is_quiet()
    {
        const int Jobs = 200;
        var jobs = Enumerable.Range(1, Jobs).Select(i => ($"j{i:D3}", "start on burst\nconsole none\nexec /bin/sleep 1000\n")).ToArray();
        await using var d = await DaemonFixture.StartNewAsync(jobs);
        await d.Client.LogPriorityAsync("debug");
        var before = d.DaemonOutput.Length;

        await d.Client.EmitAsync("burst");
        await DaemonFixture.WaitUntilAsync(
            () => Task.FromResult(Collected().IsMatch(d.DaemonOutput[before..])), "the collection after the burst", TimeSpan.FromSeconds(60));

        // The figure the daemon logs is the GC heap after the collection. The bound is generous on purpose (the
        // native build holds about 8 KiB per running job, docs/performance.md, where the figures are kept): it
        // catches a heap that is not collected or a per-job leak of 100 KiB or more, not a small change.
        var heapKiB = long.Parse(Collected().Match(d.DaemonOutput[before..]).Groups["heap"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(heapKiB, 1, 16 * 1024 + Jobs * 100);
    }

    [GeneratedRegex(@"Quiet again: collected after \d+ KiB allocated, in [\d.]+ ms; heap now (?<heap>\d+) KiB")]
    private static partial Regex Collected();
}
