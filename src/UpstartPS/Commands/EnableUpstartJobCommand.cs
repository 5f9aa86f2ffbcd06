using System.Management.Automation;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>Lets events start the job again, and Start-UpstartJob; persisted by the daemon across restarts.</summary>
[Cmdlet(VerbsLifecycle.Enable, "UpstartJob", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartJob))]
public sealed class EnableUpstartJobCommand : JobActionCommandBase
{
    protected override string ActionText => "Enable job";
    protected override string ProgressActivity => "Enabling Upstart jobs";
    protected override bool PerJob => true;

    internal override JobInfo? Act(JobTarget target)
    {
        Call(async ct =>
        {
            await Client.SetEnabledAsync(target.Name, true, ct).ConfigureAwait(false);
            return target;
        });
        return null;
    }
}
