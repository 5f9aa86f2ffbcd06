namespace UpstartHost.Processes;

/// <summary>
/// A process adopted from an earlier daemon (not our child) has ended, as its pidfd reported. Its exit
/// status is not ours to read: only its parent (init, or whoever reaps orphans) learns it.
/// </summary>
public sealed record ProcessGone(int Pid) : ProcessNotice(Pid);
