using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>
/// One real process layer per test class (the reaper under it is process-wide), disposed at the end.
/// Every process started through <see cref="Start"/> is remembered: at the end of the class nothing may
/// be left in any of their sessions (zombies included), or the class fails after killing the leftovers.
/// </summary>
public sealed class ProcessLayerFixture : IDisposable
{
    public ProcessLayerFixture()
    {
        Notices = new NoticeRecorder();
        Layer = new ProcessLayer(Notices);
        LogDirectory = Directory.CreateTempSubdirectory("upstartps-logs-").FullName;
    }

    public NoticeRecorder Notices { get; }

    public ProcessLayer Layer { get; }

    private readonly List<(int Pid, ulong StartTime)> started = [];

    public string LogDirectory { get; }

    /// <summary>Spawns and insists it worked.</summary>
    public int Start(SpawnRequest request)
    {
        var result = Layer.Spawn(request);
        Assert.True(result.Succeeded, "spawn failed: " + result.Error);
        lock (started)
        {
            started.Add((result.Pid, ProcStat.Read(result.Pid)?.StartTime ?? 0));
        }

        return result.Pid;
    }

    /// <summary>Kills a test's process group and waits for the exit notice, then for nothing to be left.</summary>
    public async Task<ProcessExited> KillAndReap(int pid)
    {
        Layer.SignalGroup(pid, 9);
        var exited = await Notices.WaitFor<ProcessExited>(pid);
        await ProcessTree.AssertGone(pid);
        return exited;
    }

    public void Dispose()
    {
        // Pids wrap on a busy machine: a pid alive with another start time was reused, and the kernel
        // never reuses a pid still naming a session, so that session is empty.
        int[] sessions;
        lock (started)
        {
            sessions = started
                .Where(s => ProcStat.Read(s.Pid) is not { } now || now.StartTime == s.StartTime)
                .Select(s => s.Pid)
                .ToArray();
        }

        try
        {
            ProcessTree.AssertGone(sessions).GetAwaiter().GetResult();
        }
        finally
        {
            ProcessTree.KillSessions(sessions);
            Layer.Dispose();
            DeleteLogs();
        }
    }

    private void DeleteLogs()
    {
        try
        {
            Directory.Delete(LogDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
