using System.Runtime.InteropServices;
using Upstart.JobFiles.Model;
using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>
/// The fds a process gets as 0, 1 and 2 for its `console` stanza (init(5), UPSTART.md §f): stdin is
/// always /dev/null except for output/owner; `log` gives stdout/stderr a fresh pty whose master the log
/// pump reads (a pty, as Upstart, so programs line-buffer and see a terminal); `output` and `owner` use
/// /dev/console, or the daemon's own stdout/stderr when it cannot be opened (a container or a user
/// session has none); `none` is /dev/null. If a pty cannot be had the process runs as `console none`,
/// as Upstart does on pty failure. Every fd here is close-on-exec and numbered ≥ 10.
/// </summary>
internal sealed class ConsoleFds : IDisposable
{
    private ConsoleFds(int stdin, int stdout, int stderr, int logMaster, bool owner)
    {
        StdIn = stdin;
        StdOut = stdout;
        StdErr = stderr;
        LogMaster = logMaster;
        OwnsConsole = owner;
    }

    public int StdIn { get; private set; }
    public int StdOut { get; private set; }
    public int StdErr { get; private set; }

    /// <summary>The pty master to read the process's output from, or -1.</summary>
    public int LogMaster { get; private set; }

    /// <summary>`console owner` with /dev/console open on fd 0: the helper makes it the controlling terminal.</summary>
    public bool OwnsConsole { get; }

    /// <summary>What went wrong while opening, to log (the process still runs, with a lesser console).</summary>
    public string? Warning { get; private set; }

    public static ConsoleFds Open(ConsoleMode mode, string? logPath)
    {
        switch (mode)
        {
            case ConsoleMode.Output or ConsoleMode.Owner:
                var console = OpenAbove("/dev/console", Libc.O_RDWR | Libc.O_NOCTTY);
                if (console >= 0)
                {
                    return new ConsoleFds(console, -1, -1, -1, mode == ConsoleMode.Owner);
                }

                var reason = Libc.ErrorText(Marshal.GetLastPInvokeError());
                var fallback = new ConsoleFds(DevNull(), Libc.fcntl(1, Libc.F_DUPFD_CLOEXEC, 10), Libc.fcntl(2, Libc.F_DUPFD_CLOEXEC, 10), -1, false);
                fallback.Warning = "unable to open /dev/console, using the daemon's output: " + reason;
                return fallback;

            case ConsoleMode.Log when logPath is not null:
                if (OpenPty(out var master, out var slave, out var error))
                {
                    return new ConsoleFds(DevNull(), slave, -1, master, false);
                }

                var none = new ConsoleFds(DevNull(), -1, -1, -1, false);
                none.Warning = "unable to open a pty for the log, output discarded: " + error;
                return none;

            default:
                return new ConsoleFds(DevNull(), -1, -1, -1, false);
        }
    }

    /// <summary>(source, target) pairs for posix_spawn's dup2 actions.</summary>
    public void AddTo(List<(int Source, int Target)> fds)
    {
        var output = StdOut >= 0 ? StdOut : StdIn;
        var error = StdErr >= 0 ? StdErr : output;
        fds.Add((StdIn, 0));
        fds.Add((output, 1));
        fds.Add((error, 2));
    }

    /// <summary>Hands the pty master to the log pump; this object will not close it.</summary>
    public int TakeLogMaster()
    {
        var master = LogMaster;
        LogMaster = -1;
        return master;
    }

    /// <summary>Closes the child's side (the child has its own copies after posix_spawn) and any master still held.</summary>
    public void Dispose()
    {
        CloseOnce(StdIn);
        CloseOnce(StdOut);
        CloseOnce(StdErr);
        CloseOnce(LogMaster);
        StdIn = StdOut = StdErr = LogMaster = -1;
    }

    private static void CloseOnce(int fd)
    {
        if (fd >= 0)
        {
            Libc.close(fd);
        }
    }

    private static int DevNull() => OpenAbove("/dev/null", Libc.O_RDWR);

    private static int OpenAbove(string path, int flags)
    {
        var fd = Libc.open(path, flags | Libc.O_CLOEXEC, 0);
        return fd < 0 ? fd : Libc.AboveTargets(fd);
    }

    private static unsafe bool OpenPty(out int master, out int slave, out string error)
    {
        master = slave = -1;
        master = Libc.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (master < 0 || (master = Libc.AboveTargets(master)) < 0 || Libc.unlockpt(master) != 0)
        {
            return Fail(ref master, out error);
        }

        slave = Libc.ioctl(master, Libc.TIOCGPTPEER, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (slave < 0)
        {
            var name = stackalloc byte[128];
            if (Libc.ptsname_r(master, name, 128) != 0)
            {
                return Fail(ref master, out error);
            }

            slave = Libc.open(Marshal.PtrToStringUTF8((nint)name)!, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
        }

        if (slave < 0 || (slave = Libc.AboveTargets(slave)) < 0)
        {
            return Fail(ref master, out error);
        }

        // Raw output: no \r added before \n, the log gets exactly what was written.
        var termios = stackalloc byte[Libc.OpaqueSize];
        if (Libc.tcgetattr(slave, termios) == 0)
        {
            ((uint*)termios)[1] &= ~Libc.OPOST;
            Libc.tcsetattr(slave, 0, termios);
        }

        var flags = Libc.fcntl(master, Libc.F_GETFL, 0);
        Libc.fcntl(master, Libc.F_SETFL, flags | Libc.O_NONBLOCK);
        error = "";
        return true;
    }

    private static bool Fail(ref int master, out string error)
    {
        error = Libc.ErrorText(Marshal.GetLastPInvokeError());
        if (master >= 0)
        {
            Libc.close(master);
            master = -1;
        }

        return false;
    }
}
