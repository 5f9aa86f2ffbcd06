using System.Text;

namespace UpstartHost.Processes.Cgroups;

/// <summary>
/// Where the daemon's own cgroup v2 directory is: the cgroup2 mount found in /proc/self/mountinfo (never a
/// hard-coded /sys/fs/cgroup: hybrid hosts mount it at /sys/fs/cgroup/unified) joined with the "0::" line of
/// /proc/self/cgroup. Pure parsing, so every shape of those files is tested without a kernel.
/// </summary>
public static class CgroupLocation
{
    /// <summary>The daemon's own cgroup2 directory, or null with <paramref name="reason"/>.</summary>
    public static string? OfThisProcess(out string? reason)
    {
        try
        {
            return Resolve(File.ReadLines("/proc/self/mountinfo"), File.ReadLines("/proc/self/cgroup"), out reason);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = "cannot read /proc/self: " + e.Message;
            return null;
        }
    }

    public static string? Resolve(IEnumerable<string> mountinfo, IEnumerable<string> cgroups, out string? reason)
    {
        var mount = FindCgroup2Mount(mountinfo);
        if (mount is null)
        {
            reason = "no cgroup2 file system is mounted";
            return null;
        }

        var own = cgroups.FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
        if (own is null || !own.StartsWith('/'))
        {
            reason = "this process has no cgroup v2 membership";
            return null;
        }

        // A mount of a sub-tree (a container's cgroup namespace seen from outside) shows only what is below its root.
        var (root, mountPoint) = mount.Value;
        if (root != "/" && !(own == root || own.StartsWith(root + "/", StringComparison.Ordinal)))
        {
            reason = $"this process's cgroup {own} is not below the cgroup2 mount's root {root}";
            return null;
        }

        var relative = root == "/" ? own : own[root.Length..];
        reason = null;
        return relative is "" or "/" ? mountPoint : mountPoint + relative;
    }

    /// <summary>(root, mount point) of the first cgroup2 mount: fields 4 and 5, file system type after the " - ".</summary>
    public static (string Root, string MountPoint)? FindCgroup2Mount(IEnumerable<string> mountinfo)
    {
        foreach (var line in mountinfo)
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator < 5 || separator + 1 >= fields.Length || fields[separator + 1] != "cgroup2")
            {
                continue;
            }

            return (Unescape(fields[3]), Unescape(fields[4]));
        }

        return null;
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as \ooo octal.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && TryOctal(field.AsSpan(i + 1, 3), out var value))
            {
                text.Append((char)value);
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool TryOctal(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            value = value * 8 + (c - '0');
        }

        return true;
    }
}
