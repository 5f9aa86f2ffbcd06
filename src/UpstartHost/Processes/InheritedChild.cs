namespace UpstartHost.Processes;

/// <summary>
/// A child the daemon's previous program started before it re-exec'd: still our child (same process), so
/// the reaper reports its real exit status, posted as an ordinary <see cref="ProcessExited"/>.
/// </summary>
internal sealed class InheritedChild(IProcessNoticeSink sink) : IChildOwner
{
    public bool ReapBeforeOrphans => false;

    public void OnExited(int pid, int status, bool signaled) => sink.Post(new ProcessExited(pid, status, signaled));

    public void OnStopped(int pid, int signal)
    {
        // Not readiness: expect stop was settled before the re-exec, or is treated as settled (docs/daemon.md).
    }
}
