using UpstartHost.Processes;
using UpstartHost.Tests.Processes;

namespace UpstartHost.Tests.Supervision;

/// <summary>
/// A fact that needs a negative oom_score_adj (`oom score never`): lowering it takes CAP_SYS_RESOURCE, and
/// some sandboxes refuse it even to root (this CI VM answers EIO). Probed once with a real child.
/// </summary>
public sealed class NegativeOomFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Allowed = new(Probe);

    public NegativeOomFactAttribute()
    {
        if (!Allowed.Value)
        {
            Skip = "this machine refuses a negative oom_score_adj even to root, so `oom score never` cannot take effect";
        }
    }

    private static bool Probe()
    {
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices);
        var result = layer.Spawn(SpawnRequests.Exec("/bin/sh -c 'echo -1000 > /proc/self/oom_score_adj'"));
        return result.Succeeded
            && notices.WaitFor<ProcessExited>(result.Pid, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult() is { Status: 0, Signaled: false };
    }
}
