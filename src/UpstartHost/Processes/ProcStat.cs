using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace UpstartHost.Processes;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/stat (proc(5)) that following `expect fork|daemon` needs: who the
/// parent is, which session and group a process is in, whether it is a zombie, and when it was forked.
/// </summary>
/// <remarks>
/// Read on the engine thread at every spawn (<see cref="ImageComplete"/>) and by the state writer for every
/// new pid, so a read is one open, one read and one close into a stack buffer, parsed in place: no strings.
/// </remarks>
internal readonly record struct ProcStat(int Pid, char State, int ParentPid, int ProcessGroup, int Session, ulong StartTime)
{
    /// <summary>A stat line is at most a few hundred bytes (the name is at most 64); more is not a stat line.</summary>
    private const int MaxLineBytes = 1024;

    /// <summary>Fields counted from the state, the first after the name: state is field 3 in proc(5).</summary>
    private const int StateIndex = 0, ParentIndex = 1, GroupIndex = 2, SessionIndex = 3, StartTimeIndex = 19, EnvEndIndex = 48;

    public bool IsZombie => State == 'Z';

    /// <summary>Reads one process; null when it is gone or unreadable.</summary>
    public static ProcStat? Read(int pid)
    {
        Span<byte> line = stackalloc byte[MaxLineBytes];
        var length = ReadLine(pid, line);
        return length < 0 ? null : Parse(pid, line[..length]);
    }

    /// <summary>
    /// Whether <paramref name="pid"/>'s current program image is complete: execve closes close-on-exec
    /// fds (the moment the helper's error pipe reaches EOF) before it has set up the new image's
    /// environment and name, and env_end (stat field 51) stays 0 until then. Null when the process is
    /// gone, a zombie or unreadable: there is nothing left to wait for.
    /// </summary>
    public static bool? ImageComplete(int pid)
    {
        Span<byte> line = stackalloc byte[MaxLineBytes];
        var length = ReadLine(pid, line);
        return length < 0 ? null : ImageComplete(line[..length]);
    }

    /// <summary><see cref="ImageComplete(int)"/> of a stat line already read.</summary>
    public static bool? ImageComplete(ReadOnlySpan<byte> line)
    {
        var fields = FieldsAfterName(line);
        if (fields.IsEmpty || Field(fields, StateIndex) is [(byte)'Z']
            || !ulong.TryParse(Field(fields, EnvEndIndex), NumberStyles.None, CultureInfo.InvariantCulture, out var envEnd))
        {
            return null;
        }

        return envEnd != 0;
    }

    /// <summary>Every process whose parent is <paramref name="parentPid"/> (a full /proc scan, as ps does).</summary>
    public static List<ProcStat> ChildrenOf(int parentPid)
    {
        var children = new List<ProcStat>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            var name = entry.AsSpan(6);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]) || !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (Read(pid) is { } stat && stat.ParentPid == parentPid)
            {
                children.Add(stat);
            }
        }

        return children;
    }

    /// <summary>Parses a stat line given as text (tests, and anything that already holds one).</summary>
    public static ProcStat? Parse(int pid, string text) => Parse(pid, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Parses the stat line; the command name may hold spaces and ')' so fields start after the last ')'.</summary>
    public static ProcStat? Parse(int pid, ReadOnlySpan<byte> line)
    {
        var fields = FieldsAfterName(line);
        var state = Field(fields, StateIndex);
        if (state.IsEmpty
            || !int.TryParse(Field(fields, ParentIndex), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ppid)
            || !int.TryParse(Field(fields, GroupIndex), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pgrp)
            || !int.TryParse(Field(fields, SessionIndex), NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            || !ulong.TryParse(Field(fields, StartTimeIndex), NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        return new ProcStat(pid, (char)state[0], ppid, pgrp, session, start);
    }

    /// <summary>The line's bytes into <paramref name="buffer"/>, or -1 when the process is gone or unreadable.</summary>
    private static int ReadLine(int pid, Span<byte> buffer)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }

        using (handle)
        {
            try
            {
                // proc hands the whole line to the first read of a buffer this size.
                return RandomAccess.Read(handle, buffer, 0);
            }
            catch (IOException)
            {
                // ESRCH: the process went between the open and the read.
                return -1;
            }
        }
    }

    /// <summary>What follows "PID (NAME) ", empty when the line has no name in parentheses.</summary>
    private static ReadOnlySpan<byte> FieldsAfterName(ReadOnlySpan<byte> line)
    {
        var close = line.LastIndexOf((byte)')');
        return close < 0 || close + 2 >= line.Length ? default : line[(close + 2)..];
    }

    /// <summary>The space-separated field at <paramref name="index"/> (0 = state), trailing newline cut; empty when missing.</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> fields, int index)
    {
        for (var i = 0; i < index; i++)
        {
            var space = fields.IndexOf((byte)' ');
            if (space < 0)
            {
                return default;
            }

            fields = fields[(space + 1)..];
        }

        var end = fields.IndexOfAny((byte)' ', (byte)'\n');
        return end < 0 ? fields : fields[..end];
    }
}
