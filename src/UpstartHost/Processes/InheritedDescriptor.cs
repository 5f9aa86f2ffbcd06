using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>File descriptors handed from one program of the daemon to the next across a re-exec.</summary>
internal static class InheritedDescriptor
{
    /// <summary>True when <paramref name="fd"/> is open on /dev/ptmx (a `console log` channel's master side).</summary>
    public static bool IsPtyMaster(int fd)
    {
        try
        {
            return File.ResolveLinkTarget("/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture), returnFinalTarget: false)?.FullName
                is "/dev/ptmx" or "/dev/pts/ptmx";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Close-on-exec on or off; off only for the moment of a re-exec, so no job ever inherits the descriptor.</summary>
    public static bool SetCloseOnExec(int fd, bool closeOnExec) =>
        Libc.fcntl(fd, Libc.F_SETFD, closeOnExec ? Libc.FD_CLOEXEC : 0) == 0;
}
