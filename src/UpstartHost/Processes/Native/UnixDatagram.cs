using System.Runtime.InteropServices;
using System.Text;

namespace UpstartHost.Processes.Native;

/// <summary>
/// An AF_UNIX datagram socket that can carry file descriptors (SCM_RIGHTS), which .NET's Socket cannot:
/// what sd_pid_notify_with_fds(3) does to hand a descriptor to the service manager, and what a test
/// playing the service manager needs to receive it. The layouts (msghdr, iovec, cmsghdr, sockaddr_un)
/// are those of every 64-bit Linux.
/// </summary>
internal sealed unsafe partial class UnixDatagram : IDisposable
{
    private const int AF_UNIX = 1;
    private const int SOCK_DGRAM = 2;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int SOL_SOCKET = 1;
    private const int SCM_RIGHTS = 1;
    private const int MSG_NOSIGNAL = 0x4000;
    private const int MSG_CMSG_CLOEXEC = 0x40000000;

    /// <summary>sizeof(sockaddr_un.sun_path).</summary>
    private const int PathSize = 108;

    /// <summary>cmsghdr: cmsg_len (size_t), cmsg_level, cmsg_type (int); the data follows, 8-aligned.</summary>
    private const int CmsgHeader = 16;

    /// <summary>More than one message may carry (SCM_MAX_FD is 253; systemd reads fewer).</summary>
    public const int MaxFds = 16;

    private readonly int fd;
    private readonly byte[] address;

    private UnixDatagram(int fd, byte[] address)
    {
        this.fd = fd;
        this.address = address;
    }

    /// <summary>
    /// A socket that sends to <paramref name="target"/>: an absolute path, or '@' and an abstract name
    /// (sd_notify's NOTIFY_SOCKET forms). Null when the address is neither or the socket cannot be had.
    /// </summary>
    public static UnixDatagram? ConnectTo(string target)
    {
        var address = Address(target);
        if (address is null)
        {
            return null;
        }

        var fd = Socket();
        return fd < 0 ? null : new UnixDatagram(fd, address);
    }

    /// <summary>A socket bound to <paramref name="path"/> (a test's own "service manager").</summary>
    public static UnixDatagram Bind(string path)
    {
        var address = Address(path) ?? throw new ArgumentException("not an absolute path or @name", nameof(path));
        var fd = Socket();
        if (fd < 0)
        {
            throw new IOException("socket: " + Libc.ErrorText(Marshal.GetLastPInvokeError()));
        }

        fixed (byte* a = address)
        {
            if (bind(fd, a, address.Length) != 0)
            {
                var error = Libc.ErrorText(Marshal.GetLastPInvokeError());
                Libc.close(fd);
                throw new IOException("bind " + path + ": " + error);
            }
        }

        return new UnixDatagram(fd, address);
    }

    /// <summary>
    /// One datagram with <paramref name="text"/> and, when given, the descriptors as SCM_RIGHTS. Blocks as
    /// sd_notify does (the manager reads promptly); an errno on failure, 0 on success.
    /// </summary>
    public int Send(string text, ReadOnlySpan<int> fds = default)
    {
        if (fds.Length > MaxFds)
        {
            throw new ArgumentOutOfRangeException(nameof(fds));
        }

        var payload = Encoding.UTF8.GetBytes(text);
        var controlSize = fds.IsEmpty ? 0 : Space(fds.Length);
        var control = stackalloc byte[Space(MaxFds)];
        new Span<byte>(control, controlSize).Clear();
        if (!fds.IsEmpty)
        {
            *(nuint*)control = (nuint)(CmsgHeader + (sizeof(int) * fds.Length));
            ((int*)control)[2] = SOL_SOCKET;
            ((int*)control)[3] = SCM_RIGHTS;
            fds.CopyTo(new Span<int>(control + CmsgHeader, fds.Length));
        }

        fixed (byte* data = payload)
        fixed (byte* name = address)
        {
            var iov = new IoVec { Base = data, Length = (nuint)payload.Length };
            var message = new MsgHdr
            {
                Name = name,
                NameLength = address.Length,
                Iov = &iov,
                IovLength = 1,
                Control = fds.IsEmpty ? null : control,
                ControlLength = (nuint)controlSize,
            };
            while (sendmsg(fd, &message, MSG_NOSIGNAL) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Libc.EINTR)
                {
                    return errno;
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for one datagram; the descriptors it carried arrive
    /// close-on-exec and are the caller's to close. Null on timeout.
    /// </summary>
    public (string Text, int[] Fds)? Receive(int timeoutMs)
    {
        var poll = new PollFd { Fd = fd, Events = Libc.POLLIN };
        if (Libc.poll(&poll, 1, timeoutMs) <= 0)
        {
            return null;
        }

        var buffer = new byte[8192];
        var control = stackalloc byte[Space(MaxFds)];
        fixed (byte* data = buffer)
        {
            var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
            var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)Space(MaxFds) };
            var n = recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
            if (n < 0)
            {
                throw new IOException("recvmsg: " + Libc.ErrorText(Marshal.GetLastPInvokeError()));
            }

            var fds = new List<int>();
            if (message.ControlLength >= CmsgHeader && ((int*)control)[2] == SOL_SOCKET && ((int*)control)[3] == SCM_RIGHTS)
            {
                var count = ((int)*(nuint*)control - CmsgHeader) / sizeof(int);
                fds.AddRange(new ReadOnlySpan<int>(control + CmsgHeader, count).ToArray());
            }

            return (Encoding.UTF8.GetString(buffer, 0, (int)n), [.. fds]);
        }
    }

    public void Dispose() => Libc.close(fd);

    /// <summary>CMSG_SPACE for <paramref name="count"/> ints.</summary>
    private static int Space(int count) => CmsgHeader + (((sizeof(int) * count) + 7) & ~7);

    private static int Socket() => socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    /// <summary>sockaddr_un for a path or an '@' abstract name (a leading NUL, length without a terminator).</summary>
    private static byte[]? Address(string target)
    {
        var abstractName = target.StartsWith('@');
        if (!abstractName && !target.StartsWith('/'))
        {
            return null;
        }

        var name = Encoding.UTF8.GetBytes(target);
        if (name.Length >= PathSize || name.AsSpan().Contains((byte)0))
        {
            return null;
        }

        if (abstractName)
        {
            name[0] = 0;
        }

        // sun_family, then the path; a path keeps its NUL terminator, an abstract name has none.
        var address = new byte[sizeof(ushort) + name.Length + (abstractName ? 0 : 1)];
        address[0] = AF_UNIX;
        name.CopyTo(address, sizeof(ushort));
        return address;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, byte* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int fd, MsgHdr* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public byte* Name;
        public int NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
