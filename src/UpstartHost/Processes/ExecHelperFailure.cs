using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>The step between spawn and exec that failed; keep in step with `enum exec_step` in native/exec-steps.h.</summary>
internal enum ExecHelperStep
{
    Usage = 1,
    Setsid = 2,
    ConsoleOwner = 3,
    Rlimit = 4,
    Nice = 5,
    OomScore = 6,
    Getpwnam = 7,
    NoSuchUser = 8,
    Getgrnam = 9,
    NoSuchGroup = 10,
    Chroot = 11,
    Chdir = 12,
    Setgid = 13,
    Setgroups = 14,
    Setuid = 15,
    KeepFd = 16,
    Exec = 17,
    Cgroup = 18,
    SpawnFds = 19,
    HelperExec = 20,
}

/// <summary>
/// The record the child (the helper or the spawn library's) writes to its error pipe ({step, errno, detail} as three int32) turned into
/// Upstart's wording (job_process_error_read: "unable to execute: No such file or directory").
/// </summary>
internal static class ExecHelperFailure
{
    public const int RecordSize = 12;

    public static string Describe(ReadOnlySpan<byte> record, IReadOnlyList<string> limitNames)
    {
        var step = (ExecHelperStep)BitConverter.ToInt32(record);
        var errno = BitConverter.ToInt32(record[4..]);
        var detail = BitConverter.ToInt32(record[8..]);
        var reason = errno == 0 ? "unknown error" : Libc.ErrorText(errno);
        return step switch
        {
            ExecHelperStep.Usage => $"exec helper refused its arguments (option '{(char)detail}')",
            ExecHelperStep.Setsid => "unable to create session: " + reason,
            ExecHelperStep.ConsoleOwner => "unable to take the console: " + reason,
            ExecHelperStep.Rlimit => $"unable to set \"{(detail >= 0 && detail < limitNames.Count ? limitNames[detail] : "?")}\" resource limit: {reason}",
            ExecHelperStep.Nice => "unable to set priority: " + reason,
            ExecHelperStep.OomScore => "unable to set oom adjustment: " + reason,
            ExecHelperStep.Getpwnam => "unable to getpwnam: " + reason,
            ExecHelperStep.NoSuchUser => "unable to find setuid user",
            ExecHelperStep.Getgrnam => "unable to getgrnam: " + reason,
            ExecHelperStep.NoSuchGroup => "unable to find setgid group",
            ExecHelperStep.Chroot => "unable to change root directory: " + reason,
            ExecHelperStep.Chdir => "unable to change working directory: " + reason,
            ExecHelperStep.Setgid => "unable to setgid: " + reason,
            ExecHelperStep.Setgroups => "unable to set supplementary groups: " + reason,
            ExecHelperStep.Setuid => "unable to setuid: " + reason,
            ExecHelperStep.KeepFd => "unable to pass the script: " + reason,
            ExecHelperStep.Exec => "unable to execute: " + reason,
            ExecHelperStep.Cgroup => "unable to join the job's cgroup: " + reason,
            ExecHelperStep.SpawnFds => "unable to set up the process's file descriptors: " + reason,
            ExecHelperStep.HelperExec => "unable to execute the exec helper: " + reason,
            _ => "exec helper failed: " + reason,
        };
    }
}
