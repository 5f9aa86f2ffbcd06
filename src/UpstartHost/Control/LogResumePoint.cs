using System.Globalization;
using UpstartHost.Logging;
using UpstartPS.Protocol;

namespace UpstartHost.Control;

/// <summary>
/// Where a followed log stood when the daemon handed it over at a re-exec: the file it held (device and inode)
/// and the offset of the first byte not yet sent (the start of a line still waiting for its newline). Sent to
/// the client as the stream's `resume`, `log1:MAJOR:MINOR:INODE:OFFSET`, and given back by it to the next program.
/// </summary>
public readonly record struct LogResumePoint((uint Major, uint Minor, ulong Inode)? File, long Offset)
{
    private const string Prefix = "log1:";

    public string Format()
    {
        var (major, minor, inode) = File ?? (0, 0, 0);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{major}:{minor}:{inode}:{Offset}");
    }

    /// <summary>The point a client sent back; BadRequest for anything this daemon did not write.</summary>
    public static LogResumePoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.StartsWith(Prefix, StringComparison.Ordinal) ? text[Prefix.Length..].Split(':') : [];
        if (parts.Length == 4
            && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return new LogResumePoint(inode == 0 ? null : (major, minor, inode), offset);
        }

        throw new UpstartException(UpstartErrorCode.BadRequest, "malformed resume point for a log stream");
    }

    /// <summary>
    /// Where to read on in <paramref name="file"/> (the log at its path now): at the offset when it is the file
    /// that was held and still that long; otherwise from its start, since all of it came after the exec (the
    /// log was created, rotated or truncated meanwhile).
    /// </summary>
    public long PositionIn(FileStream? file)
    {
        if (file is null || File is null || LogFileReading.Identity(file) != File)
        {
            return 0;
        }

        return RandomAccess.GetLength(file.SafeFileHandle) >= Offset ? Offset : 0;
    }
}
