using System.Management.Automation;

namespace UpstartPS.Commands;

/// <summary>
/// Start, stop and restart: they take an environment (init(5): it names the instance and reaches
/// the job's processes), and block until the job gets there, like initctl, unless -NoWait. The wait is
/// sliced: every 2 s a warning says what is awaited, and Ctrl+C ends it at once.
/// </summary>
public abstract class JobLifecycleCommandBase : JobActionCommandBase
{
    /// <summary>KEY=VALUE strings or a hashtable, passed with the request.</summary>
    [Parameter(Position = 1)]
    [Alias("Env")]
    public object[] Environment { get; set; } = [];

    /// <summary>Return once the daemon has changed the goal, without waiting for the state.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Seconds to wait for each job; by default no limit.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Timeout { get; set; }

    /// <summary>The verb in heartbeat warnings: "start".</summary>
    protected abstract string WaitingFor { get; }

    internal IReadOnlyList<string> ParsedEnvironment { get; private set; } = [];

    internal TimeSpan? TimeLimit => Timeout > 0 ? TimeSpan.FromSeconds(Timeout) : null;

    protected override void BeginProcessing() => ParsedEnvironment = ParseEnvironment(Environment);

    internal Action Heartbeat(JobTarget target) => () => WriteWarning($"Waiting for job '{target}' to {WaitingFor}...");

    internal IReadOnlyList<string> EnvironmentFor(JobTarget target) => EnvironmentFor(target, ParsedEnvironment);
}
