namespace Upstart.JobFiles.Tests.Fuzz;

/// <summary>
/// How many cases a fuzz test runs: a size that keeps the ordinary test run well under a minute, or the full
/// count from $UPSTARTPS_FUZZ_JOBFILES (`build.ps1 -Task Fuzz` sets it), and the seed from $UPSTARTPS_FUZZ_SEED.
/// </summary>
internal static class FuzzSize
{
    public static int Cases(string variable, int quick) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var count) && count > 0 ? count : quick;

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("UPSTARTPS_FUZZ_SEED"), out var seed) ? seed : 12;
}
