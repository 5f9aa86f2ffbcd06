namespace UpstartPS.Protocol;

/// <summary>How the daemon runs: for the whole machine (root, /etc/init) or for one user's session (init --user).</summary>
public enum DaemonMode
{
    System,
    Session,
}
