using System.Globalization;

namespace UpstartHost.Processes;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/stat (proc(5)) that following `expect fork|daemon` needs: who the
/// parent is, which session and group a process is in, whether it is a zombie, and when it was forked.
/// </summary>
internal readonly record struct ProcStat(int Pid, char State, int ParentPid, int ProcessGroup, int Session, ulong StartTime)
{
    public bool IsZombie => State == 'Z';

    /// <summary>Reads one process; null when it is gone or unreadable.</summary>
    public static ProcStat? Read(int pid)
    {
        try
        {
            return Parse(pid, File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="pid"/>'s current program image is complete: execve closes close-on-exec
    /// fds (the moment the helper's error pipe reaches EOF) before it has set up the new image's
    /// environment and name, and env_end (stat field 51) stays 0 until then. Null when the process is
    /// gone, a zombie or unreadable: there is nothing left to wait for.
    /// </summary>
    public static bool? ImageComplete(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 49 || fields[0] == "Z" || !ulong.TryParse(fields[48].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var envEnd))
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

    /// <summary>Parses the stat line; the command name may hold spaces and ')' so fields start after the last ')'.</summary>
    public static ProcStat? Parse(int pid, string text)
    {
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        // After the name: state(3) ppid(4) pgrp(5) session(6) … starttime(22), so index = field - 3.
        if (fields.Length < 20
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ppid)
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pgrp)
            || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        return new ProcStat(pid, fields[0].Length > 0 ? fields[0][0] : '?', ppid, pgrp, session, start);
    }
}
