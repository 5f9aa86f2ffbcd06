using System.Management.Automation;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>
/// Like a `manual` override, but persisted by the daemon: events no longer start the job and
/// Start-UpstartJob is refused until Enable-UpstartJob. A running instance keeps running unless -Stop,
/// which also stops every instance and waits until they have stopped (`upstartctl disable --now`).
/// Stop-UpstartJob alone has no lasting effect, as Stop-Service: this is the "keep it down" cmdlet.
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "UpstartJob", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartJob))]
public sealed class DisableUpstartJobCommand : JobActionCommandBase
{
    /// <summary>Also stop the job's running instances now, after it is disabled (so no event can start it in between).</summary>
    [Parameter]
    public SwitchParameter Stop { get; set; }

    protected override string ActionText => Stop ? "Disable and stop job" : "Disable job";
    protected override string ProgressActivity => Stop ? "Disabling and stopping Upstart jobs" : "Disabling Upstart jobs";
    protected override bool PerJob => true;

    internal override JobInfo? Act(JobTarget target)
    {
        if (!Stop)
        {
            Call(async ct =>
            {
                await Client.SetEnabledAsync(target.Name, false, ct).ConfigureAwait(false);
                return target;
            });
            return null;
        }

        var after = Call(
            ct => Client.DisableAsync(target.Name, stop: true, wait: true, ct),
            heartbeat: () => WriteWarning($"Waiting for job '{target}' to stop..."));

        // One object per target: the job as a whole, which -PassThru reads again when it had instances.
        return after.Count == 1 && !after[0].HasInstance ? after[0] : null;
    }
}
