using System.Globalization;

namespace UpstartPS.TestSupport;

/// <summary>One process as /proc/PID/stat shows it.</summary>
public readonly record struct ProcEntry(int Pid, string Comm, char State, int Ppid, int Session);

/// <summary>
/// Reads /proc: the tests' proof that nothing they started is left, zombies included. Every read tolerates a
/// process that ends (or a kernel thread that hides its environment) between listing and reading.
/// </summary>
public static class ProcScan
{
    public static int OwnPid { get; } = Environment.ProcessId;

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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
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

    /// <summary>Children of <paramref name="parent"/> that have ended and not been reaped.</summary>
    public static int ZombieChildren(int parent) => All().Count(p => p.State == 'Z' && p.Ppid == parent);

    /// <summary>
    /// Live (non-zombie) processes other than this one whose environment holds <paramref name="entry"/> (KEY=VALUE)
    /// as a whole entry: `XUPSTART_JOB=a` does not count as `UPSTART_JOB=a`.
    /// </summary>
    public static IReadOnlyList<int> WithEnvironment(string entry)
    {
        var whole = System.Text.Encoding.UTF8.GetBytes("\0" + entry + "\0");
        var found = new List<int>();
        foreach (var process in All())
        {
            if (process.Pid != OwnPid && process.State is not ('Z' or 'X') && Environ(process.Pid) is { } environ
                && environ.AsSpan().IndexOf(whole) >= 0)
            {
                found.Add(process.Pid);
            }
        }

        return found;
    }

    /// <summary>A line of /proc/PID/status (Uid, Gid, Umask, …) without its key.</summary>
    public static string Status(int pid, string key) =>
        File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    public static string ProcFile(int pid, string name) => File.ReadAllText($"/proc/{pid}/{name}");

    /// <summary>/proc/PID/environ with a NUL in front, so every entry, the first included, follows a NUL; null when unreadable.</summary>
    private static byte[]? Environ(int pid)
    {
        try
        {
            return [0, .. File.ReadAllBytes($"/proc/{pid}/environ")];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone, or a kernel thread.
            return null;
        }
    }
}
