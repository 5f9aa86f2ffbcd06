namespace UpstartPS.TestSupport;

/// <summary>The daemon's jobs as /proc shows them: every process carrying this fixture's marker.</summary>
public sealed partial class DaemonFixture
{
    /// <summary>Processes (other than the daemon) whose environment carries this fixture's marker: the daemon's jobs.</summary>
    public IReadOnlyList<int> JobProcesses() =>
        [.. ProcScan.WithEnvironment(Marker).Where(pid => pid != DaemonPid && ProcScan.Read(pid) is { Comm: not "upstart-host" })];

    /// <summary>Live (non-zombie) processes whose environment says UPSTART_JOB=<paramref name="job"/>: its copies.</summary>
    public IReadOnlyList<int> ProcessesOfJob(string job) =>
        [.. JobProcesses().Intersect(ProcScan.WithEnvironment("UPSTART_JOB=" + job))];

    /// <summary>Children of <paramref name="parent"/> that have ended and not been reaped.</summary>
    public static int ZombieChildren(int parent) => ProcScan.ZombieChildren(parent);
}
