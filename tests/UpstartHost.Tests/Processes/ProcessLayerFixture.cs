using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>One real process layer per test class (the reaper under it is process-wide), disposed at the end.</summary>
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

    public string LogDirectory { get; }

    /// <summary>Spawns and insists it worked.</summary>
    public int Start(SpawnRequest request)
    {
        var result = Layer.Spawn(request);
        Assert.True(result.Succeeded, "spawn failed: " + result.Error);
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
        Layer.Dispose();
        try
        {
            Directory.Delete(LogDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
