namespace UpstartPS.Protocol.Server;

/// <summary>
/// Who may read a job's console log through a system daemon (host.json `logAccess`). The files themselves
/// are 0640 root (Upstart's mode), so the daemon is the only way most users can read them, and a job may print
/// secrets: the default is that only the job's own user and administrators may. A session daemon serves only
/// its owner, who may read every log.
/// </summary>
public enum LogAccess
{
    /// <summary>Root, the admin group, and the user the job runs as (its `setuid` user; root when it has none).</summary>
    OwnerAndAdministrators,

    /// <summary>Root and the admin group only.</summary>
    Administrators,

    /// <summary>Anyone who may connect (before issue 12: every local user read every log).</summary>
    Everyone,
}
