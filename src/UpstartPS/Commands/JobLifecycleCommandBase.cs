using System.Management.Automation;
using UpstartPS.Arguments;
using UpstartPS.Errors;

namespace UpstartPS.Commands;

/// <summary>
/// Start, stop and restart: they take an environment (init(5): it names the instance and reaches
/// the job's processes), and block until the job gets there, like initctl, unless -NoWait. The wait is
/// sliced: every 2 s a warning says what is awaited, and Ctrl+C ends it at once.
/// </summary>
public abstract class JobLifecycleCommandBase : JobActionCommandBase
{
    private readonly Dictionary<JobTarget, IReadOnlyList<string>> _requests = [];

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

    /// <summary>
    /// True for start: a job named without -Instance is one request whatever instances run (`start worker`),
    /// so the daemon answers it as initctl's start does ("Unknown parameter: NAME" for an instance job).
    /// </summary>
    protected virtual bool StartsPerJob => false;

    internal TimeSpan? TimeLimit => Timeout > 0 ? TimeSpan.FromSeconds(Timeout) : null;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        ParsedEnvironment = ParseEnvironment(Environment);
    }

    /// <summary>-Timeout ran out: say the limit and the state the job reached, read again now.</summary>
    internal override UpstartFailure? TimedOut(JobTarget target)
    {
        if (TimeLimit is not { } limit)
        {
            return null;
        }

        var now = Refresh(target);
        return FailureMapping.OperationTimedOut(target.ToString(), WaitingFor, limit, now?.State, now?.Goal);
    }

    internal Action Heartbeat(JobTarget target) => () => WriteWarning($"Waiting for job '{target}' to {WaitingFor}...");

    /// <summary>
    /// With -Environment, the daemon finds the instance by expanding the job's `instance` stanza with it
    /// (init(5): `restart worker NAME=a1`), so every selected instance of a job whose request would reach the
    /// same instance is one request: the one named in ShouldProcess, sent once. A selected instance keeps its
    /// own KEY=VALUE unless -Environment sets that variable.
    /// </summary>
    internal override IReadOnlyList<JobTarget> Plan(IReadOnlyList<JobTarget> selected)
    {
        var perJob = StartsPerJob && ParameterSetName == NameSet && Instance is null;
        if (!perJob && ParsedEnvironment.Count == 0)
        {
            return selected;
        }

        var planned = new List<JobTarget>();
        var candidates = perJob ? selected.Select(t => t with { Instance = "" }).Distinct() : selected;
        foreach (var target in candidates)
        {
            JobTarget request;
            IReadOnlyList<string> environment;
            if (ParsedEnvironment.Count == 0)
            {
                (request, environment) = (target, ParsedEnvironment);
            }
            else
            {
                try
                {
                    var configuration = ConfigurationOf(target.Name);
                    environment = InstanceEnvironment.Merge(configuration.Instance, target.Instance, ParsedEnvironment);
                    var instance = InstanceEnvironment.Select(configuration.Instance, configuration.Env, environment) ?? target.Instance;
                    request = new JobTarget(target.Name, instance);
                }
                catch (Exception ex) when (IsFailure(ex))
                {
                    ReportException(ex, target.Name, target.ToString());
                    continue;
                }
            }

            if (!planned.Contains(request))
            {
                planned.Add(request);
                _requests[request] = environment;
            }
        }

        return planned;
    }

    internal IReadOnlyList<string> EnvironmentFor(JobTarget target) =>
        _requests.TryGetValue(target, out var environment) ? environment : EnvironmentFor(target, ParsedEnvironment);
}
