using System.Globalization;
using UpstartHost.Processes.Native;

namespace UpstartHost.Tests.Processes;

/// <summary>Looks at /proc to prove a test left nothing behind: no process, zombie included, in a job's session.</summary>
internal static class ProcessTree
{
    /// <summary>Pids whose session is <paramref name="session"/> (every process a job's helper setsid'd started there).</summary>
    public static List<int> InSession(int session)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (Stat(pid) is { } fields && fields.Length > 3 && fields[3] == session.ToString(CultureInfo.InvariantCulture))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    public static bool Exists(int pid) => Stat(pid) is not null;

    /// <summary>Waits (bounded) until no process of the given sessions or pids is left, zombies included.</summary>
    public static async Task AssertGone(params int[] sessionsAndPids)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var left = sessionsAndPids.SelectMany(InSession).Concat(sessionsAndPids.Where(Exists)).Distinct().ToList();
            if (left.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("processes left behind: " + string.Join(", ", left.Select(Describe)));
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Kills whatever is left of a test's sessions so one failing test cannot leak into the next.</summary>
    public static void KillSessions(params int[] sessions)
    {
        foreach (var pid in sessions.SelectMany(InSession).Concat(sessions).Where(p => p > 1))
        {
            Libc.kill(pid, Libc.SIGKILL);
        }
    }

    public static string? ReadProcFile(int pid, string name)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/{name}");
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Fields of /proc/pid/stat after the command name: [0]=state [1]=ppid [2]=pgrp [3]=session …</summary>
    public static string[]? Stat(int pid)
    {
        var text = ReadProcFile(pid, "stat");
        if (text is null)
        {
            return null;
        }

        var close = text.LastIndexOf(')');
        return text[(close + 2)..].Split(' ');
    }

    private static string Describe(int pid) => $"{pid} ({ReadProcFile(pid, "comm")?.Trim()}, state {Stat(pid)?[0]})";
}
