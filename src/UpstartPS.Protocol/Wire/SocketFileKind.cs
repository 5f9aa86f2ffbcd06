using System.Runtime.InteropServices;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// What is at a control-socket path when connecting there is refused: connect(2) answers ECONNREFUSED both
/// for a socket nobody listens on and for a file that is no socket at all (a regular file, a directory), and
/// only the file's type tells a user which mistake it was. statx(2), whose layout is the same on every
/// architecture (stx_mode at byte 28), reads the type without following the path's last link.
/// </summary>
public static partial class SocketFileKind
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int TypeMask = 0xF000;

    /// <summary>"a directory", "a regular file" and so on when <paramref name="path"/> exists but is not a socket; otherwise null.</summary>
    public static string? NotASocket(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return null;
        }

        return (BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask) switch
        {
            0xC000 => null,
            0x4000 => "a directory",
            0x8000 => "a regular file",
            0xA000 => "a symbolic link",
            0x1000 => "a FIFO",
            0x2000 or 0x6000 => "a device",
            _ => "not a socket",
        };
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);
}
