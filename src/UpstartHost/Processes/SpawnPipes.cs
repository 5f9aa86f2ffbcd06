using System.Runtime.InteropServices;
using System.Text;
using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>
/// The fds a spawn hands the exec helper besides the console: the close-on-exec error pipe it reports
/// a failure on (ExecHelperFailure), and the memfd holding a multi-line script.
/// </summary>
internal static class SpawnPipes
{
    /// <summary>Reads the helper's failure record, or EOF once it exec'd (or died without one); null on success.</summary>
    public static unsafe string? ReadHelperFailure(int fd, List<string> limitNames)
    {
        var record = stackalloc byte[ExecHelperFailure.RecordSize];
        var got = 0;
        while (got < ExecHelperFailure.RecordSize)
        {
            var n = Libc.read(fd, record + got, ExecHelperFailure.RecordSize - got);
            if (n < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
            {
                continue;
            }

            if (n <= 0)
            {
                break;
            }

            got += (int)n;
        }

        return got == ExecHelperFailure.RecordSize
            ? ExecHelperFailure.Describe(new ReadOnlySpan<byte>(record, got), limitNames)
            : null;
    }

    public static unsafe bool IsReadable(int fd)
    {
        var poll = new PollFd { Fd = fd, Events = Libc.POLLIN };
        return Libc.poll(&poll, 1, 0) > 0 && poll.Revents != 0;
    }

    public static unsafe bool TryOpenErrorPipe(out int read, out int write)
    {
        var fds = stackalloc int[2];
        read = write = -1;
        if (Libc.pipe2(fds, Libc.O_CLOEXEC) != 0)
        {
            return false;
        }

        read = Libc.AboveTargets(fds[0]);
        write = Libc.AboveTargets(fds[1]);
        if (read < 0 || write < 0)
        {
            CloseIfOpen(read);
            CloseIfOpen(write);
            return false;
        }

        return true;
    }

    /// <summary>
    /// The script text goes into a memfd rather than a pipe: the whole script is written at once without
    /// ever blocking the engine on pipe capacity, and still never touches the disk. sh opens it as
    /// /proc/self/fd/9, as Upstart's job_process_spawn arranges.
    /// </summary>
    public static bool TryWriteScript(string script, out int fd, out string error)
    {
        error = "";
        fd = Libc.memfd_create("upstart-script", Libc.MFD_CLOEXEC);
        if (fd < 0 || (fd = Libc.AboveTargets(fd)) < 0)
        {
            error = Libc.ErrorText(Marshal.GetLastPInvokeError());
            return false;
        }

        if (!Libc.WriteAll(fd, Encoding.UTF8.GetBytes(script)))
        {
            error = Libc.ErrorText(Marshal.GetLastPInvokeError());
            Libc.close(fd);
            fd = -1;
            return false;
        }

        return true;
    }

    public static void CloseIfOpen(int fd)
    {
        if (fd >= 0)
        {
            Libc.close(fd);
        }
    }
}
