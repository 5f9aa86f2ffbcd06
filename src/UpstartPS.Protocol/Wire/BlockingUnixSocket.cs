using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// A connected, blocking Unix stream socket on Linux, called through libc: socket, connect, send, recv,
/// shutdown, close, and SO_SNDTIMEO/SO_RCVTIMEO as the only bounds. Why not <see cref="Socket"/>: in a
/// fresh process the first Socket probes the system with three more sockets (IPv4, IPv6, Unix) and
/// starts two threads, about a sixth of what a whole `upstartctl status` costs (docs/performance.md,
/// "The command line"). Failures are <see cref="SocketException"/>s carrying the same
/// <see cref="SocketError"/> that <see cref="Socket"/> reports for the errno, so callers read them alike.
/// </summary>
/// <remarks>Linux only (the daemon's platform): the constants and the sockaddr_un layout are Linux's. Not thread-safe.</remarks>
internal sealed partial class BlockingUnixSocket : IDisposable
{
    /// <summary>sun_path holds 108 bytes, the last one the terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int SoRcvtimeo = 20;
    private const int SoSndtimeo = 21;
    private const int SoPeercred = 17;
    private const int MsgNosignal = 0x4000;
    private const int ShutRdwr = 2;

    private const int Eintr = 4;
    private const int Eisconn = 106;

    private int _fd;

    private BlockingUnixSocket(int fd) => _fd = fd;

    /// <summary>
    /// Connects to <paramref name="path"/>, every send and receive (the connect included: a full backlog
    /// blocks it) bounded by <paramref name="timeout"/> until changed. Throws <see cref="ArgumentException"/> for
    /// a path no socket can have, <see cref="SocketException"/> when the connect fails.
    /// </summary>
    public static BlockingUnixSocket Connect(string path, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(path);
        var address = Address(path);
        var fd = socket(AfUnix, SockStream | SockCloexec, 0);
        if (fd < 0)
        {
            throw Error(Marshal.GetLastPInvokeError());
        }

        var connection = new BlockingUnixSocket(fd);
        try
        {
            connection.SendTimeout = timeout;
            connection.ReceiveTimeout = timeout;
            while (connect(fd, address, address.Length) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Eisconn)
                {
                    // An interrupted connect went on in the background and is done.
                    break;
                }

                if (errno != Eintr)
                {
                    throw Error(errno);
                }
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The uid of the peer's process as the kernel recorded it (SO_PEERCRED); null where it cannot tell.</summary>
    public unsafe uint? PeerUid
    {
        get
        {
            // struct ucred { pid_t pid; uid_t uid; gid_t gid; } in host byte order.
            var ucred = stackalloc uint[3];
            var length = 3 * sizeof(uint);
            return getsockopt(_fd, SolSocket, SoPeercred, ucred, &length) == 0 && length == 3 * sizeof(uint) ? ucred[1] : null;
        }
    }

    /// <summary>Bound on each receive; <see cref="TimeSpan.Zero"/> for none.</summary>
    public TimeSpan ReceiveTimeout
    {
        set => SetTimeout(SoRcvtimeo, value);
    }

    /// <summary>Bound on each send; <see cref="TimeSpan.Zero"/> for none.</summary>
    public TimeSpan SendTimeout
    {
        set => SetTimeout(SoSndtimeo, value);
    }

    /// <summary>Sends part or all of <paramref name="data"/> and returns how much; never raises SIGPIPE.</summary>
    public unsafe int Send(ReadOnlySpan<byte> data)
    {
        fixed (byte* bytes = data)
        {
            while (true)
            {
                var sent = send(_fd, bytes, data.Length, MsgNosignal);
                if (sent >= 0)
                {
                    return (int)sent;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != Eintr)
                {
                    throw Error(errno);
                }
            }
        }
    }

    /// <summary>Reads what has arrived into <paramref name="buffer"/>, waiting for something; 0 at the end of the stream.</summary>
    public unsafe int Receive(Span<byte> buffer)
    {
        fixed (byte* bytes = buffer)
        {
            while (true)
            {
                var read = recv(_fd, bytes, buffer.Length, 0);
                if (read >= 0)
                {
                    return (int)read;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != Eintr)
                {
                    throw Error(errno);
                }
            }
        }
    }

    /// <summary>Tells the peer no more is coming either way; quiet when it went first.</summary>
    public void Shutdown()
    {
        if (_fd >= 0)
        {
            _ = shutdown(_fd, ShutRdwr);
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = close(_fd);
            _fd = -1;
        }
    }

    /// <summary>The errno as <see cref="Socket"/> reports it (SocketErrorPal's table, for the errors a client meets).</summary>
    internal static SocketException Error(int errno)
    {
        var code = errno switch
        {
            1 or 13 => SocketError.AccessDenied, // EPERM, EACCES
            2 or 20 => SocketError.AddressNotAvailable, // ENOENT, ENOTDIR: no socket there
            11 or 115 or 110 => SocketError.TimedOut, // EAGAIN (a timeout ran out), EINPROGRESS, ETIMEDOUT
            32 => SocketError.Shutdown, // EPIPE
            103 => SocketError.ConnectionAborted,
            104 => SocketError.ConnectionReset,
            111 => SocketError.ConnectionRefused,
            _ => SocketError.SocketError,
        };
        // The errno's own text, as Socket gives: without it the runtime looks the code up as a Windows error and
        // finds none ("External component has thrown an exception" for a broken pipe).
        return new SocketException((int)code, Marshal.GetPInvokeErrorMessage(errno));
    }

    /// <summary>struct sockaddr_un: the family, then the path's bytes and a NUL.</summary>
    private static byte[] Address(string path)
    {
        var length = Encoding.UTF8.GetByteCount(path);
        if (length == 0 || length > MaxPathBytes || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A Unix socket path is 1 to {MaxPathBytes} bytes without NUL: {path}", nameof(path));
        }

        var address = new byte[2 + length + 1];
        BitConverter.TryWriteBytes(address, (ushort)AfUnix);
        Encoding.UTF8.GetBytes(path, address.AsSpan(2));
        return address;
    }

    private unsafe void SetTimeout(int option, TimeSpan timeout)
    {
        var ticks = Math.Max(0, timeout.Ticks);
        var value = new TimeVal { Seconds = ticks / TimeSpan.TicksPerSecond, Microseconds = ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond };
        if (setsockopt(_fd, SolSocket, option, &value, sizeof(TimeVal)) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError());
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int connect(int fd, byte[] address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int setsockopt(int fd, int level, int option, void* value, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int getsockopt(int fd, int level, int option, void* value, int* length);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint send(int fd, byte* data, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int fd, int how);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
