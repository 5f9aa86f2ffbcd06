using System.Globalization;
using UpstartHost.Processes.Native;

namespace UpstartHost.Tests.Supervision;

/// <summary>One process as /proc/PID/stat shows it.</summary>
internal readonly record struct ProcEntry(int Pid, string Comm, char State, int Ppid, int Session);

/// <summary>Reads /proc: the test's proof that nothing it started is left, zombies included.</summary>
internal static class ProcScan
{
    public static int OwnPid { get; } = Libc.getpid();

    public static IEnumerable<ProcEntry> All()
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } found)
            {
                yield return found;
            }
        }
    }

    public static ProcEntry? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // comm may hold spaces and parentheses: it ends at the last ')'.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        var fields = text[(close + 2)..].Split(' ');
        return new ProcEntry(
            pid,
            text[(open + 1)..close],
            fields[0][0],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    public static bool IsAlive(int pid) => Read(pid) is { State: not 'Z' and not 'X' };

    /// <summary>A line of /proc/PID/status (Uid, Gid, Umask, …) without its key.</summary>
    public static string Status(int pid, string key) =>
        File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    public static string ProcFile(int pid, string name) => File.ReadAllText($"/proc/{pid}/{name}");
}
