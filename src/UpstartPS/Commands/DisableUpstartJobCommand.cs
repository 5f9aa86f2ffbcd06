using System.Management.Automation;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>
/// Like a `manual` override, but persisted by the daemon: events no longer start the job and
/// Start-UpstartJob is refused until Enable-UpstartJob. A running instance keeps running.
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "UpstartJob", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartJob))]
public sealed class DisableUpstartJobCommand : JobActionCommandBase
{
    protected override string ActionText => "Disable job";
    protected override string ProgressActivity => "Disabling Upstart jobs";
    protected override bool PerJob => true;

    internal override JobInfo? Act(JobTarget target)
    {
        Call(async ct =>
        {
            await Client.SetEnabledAsync(target.Name, false, ct).ConfigureAwait(false);
            return target;
        });
        return null;
    }
}
