namespace Upstart.JobFiles.Model;

/// <summary>The processes a job may define, in the order Upstart runs them.</summary>
public enum ProcessKind
{
    Main,
    PreStart,
    PostStart,
    PreStop,
    PostStop,

    /// <summary>The AppArmor load process (`apparmor load`), run in the security state.</summary>
    Security,

    /// <summary>
    /// UpstartPS's check (`pre-restart`), not Upstart 1.13's: run while the job is running, before an
    /// administrator's restart or reload; when it fails the running process is left alone.
    /// </summary>
    PreRestart,
}

public static class ProcessKindNames
{
    /// <summary>The name Upstart uses in events and messages: main, pre-start, …, security.</summary>
    public static string ToUpstartName(this ProcessKind kind) => kind switch
    {
        ProcessKind.Main => "main",
        ProcessKind.PreStart => "pre-start",
        ProcessKind.PostStart => "post-start",
        ProcessKind.PreStop => "pre-stop",
        ProcessKind.PostStop => "post-stop",
        ProcessKind.Security => "security",
        ProcessKind.PreRestart => "pre-restart",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string name, out ProcessKind kind)
    {
        foreach (var k in Enum.GetValues<ProcessKind>())
        {
            if (k.ToUpstartName() == name)
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
