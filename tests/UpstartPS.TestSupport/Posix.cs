using System.Runtime.InteropServices;

namespace UpstartPS.TestSupport;

/// <summary>The two libc calls the fixtures need that .NET does not offer: any signal to any pid, and FD_CLOEXEC.</summary>
internal static class Posix
{
    public static void Kill(int pid, int signal) => _ = kill(pid, signal);

    public static void SetCloseOnExec(IReadOnlyList<int> fds, bool closeOnExec)
    {
        const int F_SETFD = 2;
        foreach (var fd in fds)
        {
            if (fcntl(fd, F_SETFD, closeOnExec ? 1 : 0) != 0)
            {
                throw new IOException($"fcntl({fd}): errno {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
