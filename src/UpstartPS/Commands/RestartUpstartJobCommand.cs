using System.Management.Automation;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>restart(8), but like Restart-Service a job that is not running is simply started.</summary>
[Cmdlet(VerbsLifecycle.Restart, "UpstartJob", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartJob))]
public sealed class RestartUpstartJobCommand : JobLifecycleCommandBase
{
    protected override string ActionText => "Restart job";
    protected override string ProgressActivity => "Restarting Upstart jobs";
    protected override string WaitingFor => "restart";

    internal override JobInfo? Act(JobTarget target)
    {
        var environment = EnvironmentFor(target);
        try
        {
            return Call(ct => Client.RestartAsync(target.Name, environment, !NoWait, ct), TimeLimit, Heartbeat(target));
        }
        catch (UpstartException ex) when (ex.Code is UpstartErrorCode.UnknownInstance or UpstartErrorCode.JobNotRunning or UpstartErrorCode.AlreadyStopped)
        {
            WriteVerbose($"{target} was not running: starting it.");
            return Call(ct => Client.StartAsync(target.Name, environment, !NoWait, ct), TimeLimit, Heartbeat(target));
        }
    }
}
