using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// The first failure of an instance since it last entered starting (UPSTART.md §c.2: later failures are
/// ignored). <see cref="Process"/> null means the respawn limit was hit (PROCESS=respawn);
/// <see cref="Status"/> null means the status is unknown (a spawn failure), else Upstart's encoding:
/// exit code, or signo&lt;&lt;8 for a signal.
/// </summary>
public sealed record JobFailure(ProcessKind? Process, int? Status)
{
    public string ProcessName => Process?.ToUpstartName() ?? "respawn";

    /// <summary>The variables a stopping/stopped event carries after RESULT=failed.</summary>
    public void AppendTo(List<string> environment)
    {
        environment.Add("PROCESS=" + ProcessName);
        if (Process is null || Status is not { } status)
        {
            return;
        }

        environment.Add((status & ~0xff) != 0
            ? "EXIT_SIGNAL=" + SignalNames.ToShortName(status >> 8)
            : "EXIT_STATUS=" + status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>`main status=99`, `main signal=TERM`, `main`, `respawn` — the corpus' `failed:` form and show output.</summary>
    public override string ToString()
    {
        if (Process is null)
        {
            return "respawn";
        }

        if (Status is not { } status)
        {
            return ProcessName;
        }

        return (status & ~0xff) != 0
            ? $"{ProcessName} signal={SignalNames.ToShortName(status >> 8)}"
            : $"{ProcessName} status={status}";
    }
}
