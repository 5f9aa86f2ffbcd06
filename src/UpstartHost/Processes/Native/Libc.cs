using System.Runtime.InteropServices;

namespace UpstartHost.Processes.Native;

/// <summary>
/// The libc calls the process layer needs, source-generated (AOT-safe). Opaque libc types
/// (posix_spawn_file_actions_t, posix_spawnattr_t, sigset_t, termios, siginfo_t) are only ever handled
/// through pointers to buffers larger than any libc's definition, and initialised by libc itself, so
/// no struct layout is guessed except the few documented fields read in <see cref="SigInfo"/>.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int ECHILD = 10;
    public const int ENOENT = 2;
    public const int ENXIO = 6;
    public const int ESRCH = 3;
    public const int ENOSYS = 38;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int ELOOP = 40;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_NOCTTY = 0x100;
    public const int O_APPEND = 0x400;
    public const int O_NONBLOCK = 0x800;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;

    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int F_DUPFD_CLOEXEC = 1030;
    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;

    public const int SIGKILL = 9;
    public const int SIGCHLD = 17;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    public const int P_ALL = 0;
    public const int P_PID = 1;
    public const int WNOHANG = 1;
    public const int WSTOPPED = 2;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x01000000;

    public const int CLD_EXITED = 1;
    public const int CLD_KILLED = 2;
    public const int CLD_DUMPED = 3;
    public const int CLD_STOPPED = 5;

    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    public const int PR_SET_CHILD_SUBREAPER = 36;

    public const short POLLIN = 0x001;
    public const short POLLERR = 0x008;
    public const short POLLHUP = 0x010;
    public const short POLLNVAL = 0x020;

    public const uint MFD_CLOEXEC = 1;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;

    /// <summary>TIOCGPTPEER: opens the pty's peer (slave) from the master without a path (Linux 4.13).</summary>
    public const uint TIOCGPTPEER = 0x5441;

    /// <summary>termios.c_oflag OPOST: output post-processing (\n → \r\n) that a log must not get.</summary>
    public const uint OPOST = 1;

    /// <summary>Bytes reserved for opaque libc objects; glibc needs 80 (file actions), 336 (attr), 128 (sigset).</summary>
    public const int OpaqueSize = 1024;

    [LibraryImport(Lib)]
    public static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport(Lib)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(Lib)]
    public static partial int sigfillset(void* set);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    /// <summary>AT_EMPTY_PATH: statx of the fd itself.</summary>
    public const int AT_EMPTY_PATH = 0x1000;

    /// <summary>STATX_TYPE | STATX_MODE: enough for stx_mode.</summary>
    public const uint STATX_TYPE_MODE = 0x3;

    /// <summary>Size of struct statx (fixed by the kernel ABI on every architecture, unlike struct stat).</summary>
    public const int StatxSize = 256;

    /// <summary>Offset of stx_mode (u16) in struct statx.</summary>
    public const int StatxModeOffset = 28;

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint read(int fd, void* buffer, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint write(int fd, void* buffer, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int fcntl(int fd, int command, int argument);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int ioctl(int fd, nuint request, nint argument);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int posix_openpt(int flags);

    public const int SOL_SOCKET = 1;
    public const int SO_TYPE = 3;
    public const int SO_ACCEPTCONN = 30;
    public const int SO_DOMAIN = 39;
    public const int AF_UNIX = 1;
    public const int SOCK_STREAM = 1;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getsockopt(int fd, int level, int option, int* value, uint* length);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getsockname(int fd, byte* address, uint* length);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int unlockpt(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int ptsname_r(int fd, byte* buffer, nint length);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int tcgetattr(int fd, void* termios);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int tcsetattr(int fd, int when, void* termios);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int memfd_create(string name, uint flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int eventfd(uint initial, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitid(int idType, int id, void* info, int options);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport(Lib)]
    public static partial int getpid();

    [LibraryImport(Lib, SetLastError = true)]
    private static partial long syscall(long number, long arg1, long arg2);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int execve(byte* path, byte** argv, byte** envp);

    /// <summary>pidfd_open(2) (Linux 5.3) through syscall(2): glibc has a wrapper only since 2.36. The number is the same on every architecture.</summary>
    public static int pidfd_open(int pid) => (int)syscall(434, pid, 0);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int sigaction(int signal, void* action, void* oldAction);

    /// <summary>strerror text for an errno ("No such file or directory").</summary>
    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>Moves <paramref name="fd"/> to a number ≥ 10 (close-on-exec), so the dup2 targets 0-3 and 9 never clash.</summary>
    public static int AboveTargets(int fd)
    {
        if (fd >= 10)
        {
            return fd;
        }

        var moved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
        var errno = Marshal.GetLastPInvokeError();
        close(fd);
        if (moved < 0)
        {
            Marshal.SetLastPInvokeError(errno);
        }

        return moved;
    }

    /// <summary>Writes all of <paramref name="data"/>, retrying short writes and EINTR; false on error.</summary>
    public static bool WriteAll(int fd, ReadOnlySpan<byte> data) => WriteAll(fd, data, out _);

    /// <summary>As <see cref="WriteAll(int, ReadOnlySpan{byte})"/>, saying how many bytes went out before a failure (errno set).</summary>
    public static bool WriteAll(int fd, ReadOnlySpan<byte> data, out int written)
    {
        fixed (byte* start = data)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                var n = write(fd, start + offset, data.Length - offset);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EINTR)
                    {
                        continue;
                    }

                    written = offset;
                    return false;
                }

                offset += (int)n;
            }
        }

        written = data.Length;
        return true;
    }
}

/// <summary>struct pollfd.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short Revents;
}

/// <summary>
/// The SIGCHLD fields of siginfo_t (si_signo, si_errno, si_code, then the union at offset 16 on every
/// 64-bit Linux: si_pid, si_uid, si_status), padded to the kernel's 128 bytes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct SigInfo
{
    [FieldOffset(0)] public int Signo;
    [FieldOffset(8)] public int Code;
    [FieldOffset(16)] public int Pid;
    [FieldOffset(24)] public int Status;
}
