using System.Management.Automation;
using UpstartPS.Arguments;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>reload(8): sends the job's main process its reload signal (SIGHUP unless `reload signal` says otherwise).</summary>
[Cmdlet(VerbsData.Update, "UpstartJob", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartJob))]
public sealed class UpdateUpstartJobCommand : JobActionCommandBase
{
    private IReadOnlyList<string> _environment = [];

    /// <summary>KEY=VALUE strings or a hashtable naming the instance.</summary>
    [Parameter(Position = 1)]
    [Alias("Env")]
    public object[] Environment { get; set; } = [];

    protected override string ActionText => "Reload job (send its reload signal)";
    protected override string ProgressActivity => "Reloading Upstart jobs";

    protected override void BeginProcessing() => _environment = ParseEnvironment(Environment);

    internal override JobInfo? Act(JobTarget target)
    {
        try
        {
            return Call(ct => Client.ReloadAsync(target.Name, EnvironmentFor(target, _environment), ct));
        }
        catch (UpstartException ex) when (ex.Code == UpstartErrorCode.UnknownInstance && target.Instance.Length == 0)
        {
            // The daemon says "Unknown instance" for a job with no running instance; say what it means here.
            throw new UpstartException(UpstartErrorCode.JobNotRunning, $"Job is not running: {target.Name} (only a running job can be reloaded)", ex);
        }
    }
}
