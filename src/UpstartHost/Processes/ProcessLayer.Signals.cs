using System.Runtime.InteropServices;
using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>
/// Signals from the engine (stop, kill, reload): to the process group the helper's setsid made, and never
/// to a pid that would reach the daemon itself or everything.
/// </summary>
public sealed partial class ProcessLayer
{
    public int SignalGroup(int pid, int signal)
    {
        if (!IsSignalable(pid))
        {
            return Libc.ESRCH;
        }

        int following = 0;
        if (byNoticePid.TryGetValue(pid, out var tracked))
        {
            lock (tracked.Lock)
            {
                // A stop while expect fork|daemon is still walking the chain must reach the intermediate too:
                // it may have left the job's process group with setsid.
                if (tracked.Phase == TrackedPhase.FollowingFork && tracked.Current != pid)
                {
                    following = tracked.Current;
                }
            }
        }

        if (following > 0)
        {
            KillGroup(following, signal);
        }

        return KillGroup(pid, signal);
    }

    public int Signal(int pid, int signal)
    {
        if (!IsSignalable(pid))
        {
            return Libc.ESRCH;
        }

        return Libc.kill(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>kill(-pid) reaches the whole process group the helper's setsid made; a process that left it still gets kill(pid).</summary>
    private static int KillGroup(int pid, int signal)
    {
        if (Libc.kill(-pid, signal) == 0 || Libc.kill(pid, signal) == 0)
        {
            return 0;
        }

        return Marshal.GetLastPInvokeError();
    }

    /// <summary>Never 0, -1, init or ourselves: kill(-0) or kill(-1) would hit the daemon's own group or everything.</summary>
    private bool IsSignalable(int pid) => pid > 1 && pid != reaper.OwnPid;
}
