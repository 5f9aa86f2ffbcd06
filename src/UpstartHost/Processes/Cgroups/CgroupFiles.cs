using System.Globalization;
using UpstartHost.Processes.Native;

namespace UpstartHost.Processes.Cgroups;

/// <summary>
/// The few cgroup v2 file operations job cgroups need. None throws for a cgroup that is gone or unreadable:
/// a cgroup's processes end and its directory disappears under the daemon's feet, and that is not an error.
/// </summary>
internal static class CgroupFiles
{
    /// <summary>Writes "1" to cgroup.kill: SIGKILL to every process in the cgroup and below, new forks included.</summary>
    public static void Kill(string cgroup)
    {
        var fd = Libc.open(Path.Combine(cgroup, "cgroup.kill"), Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        if (fd >= 0)
        {
            Libc.WriteAll(fd, "1"u8);
            Libc.close(fd);
        }
    }

    /// <summary>True while a process is in the cgroup or below (cgroup.events `populated 1`).</summary>
    public static bool IsPopulated(string cgroup)
    {
        try
        {
            return File.ReadLines(Path.Combine(cgroup, "cgroup.events")).Any(l => l == "populated 1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>How many processes are in the cgroup itself (cgroup.procs); 0 when it cannot be read.</summary>
    public static int ProcessCount(string cgroup)
    {
        try
        {
            return File.ReadLines(Path.Combine(cgroup, "cgroup.procs")).Count(l => l.Length > 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The pids in the cgroup itself (cgroup.procs); none when it cannot be read.</summary>
    public static HashSet<int> ProcessIds(string cgroup)
    {
        var pids = new HashSet<int>();
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(cgroup, "cgroup.procs")))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    pids.Add(pid);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return pids;
    }

    /// <summary>rmdir; true when the directory is gone (removed now or already). A cgroup with processes in it stays.</summary>
    public static bool TryRemove(string path)
    {
        try
        {
            Directory.Delete(path, recursive: false);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The subdirectories whose names start with <paramref name="prefix"/>; none when the directory cannot be read.</summary>
    public static string[] Subdirectories(string path, string prefix)
    {
        try
        {
            return Directory.GetDirectories(path, prefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
