namespace Upstart.JobFiles.Loading;

/// <summary>Which job files a loader accepts by owner and mode.</summary>
public enum JobFileTrust
{
    /// <summary>Any owner and mode (a session daemon runs jobs as its own user; tools only read).</summary>
    Any,

    /// <summary>
    /// Only files owned by root that no group or other user may write, like sshd's StrictModes: in
    /// system mode a job runs as root, so whoever can write its file can run anything as root.
    /// </summary>
    RootOnly,
}
