using System.Management.Automation;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>stop(8): returns when the job has stopped; stopping a stopped job is success (as Stop-Service).</summary>
[Cmdlet(VerbsLifecycle.Stop, "UpstartJob", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartJob))]
public sealed class StopUpstartJobCommand : JobLifecycleCommandBase
{
    protected override string ActionText => "Stop job";
    protected override string ProgressActivity => "Stopping Upstart jobs";
    protected override string WaitingFor => "stop";

    internal override JobInfo? Act(JobTarget target) =>
        Call(ct => Client.StopAsync(target.Name, EnvironmentFor(target), !NoWait, ct), TimeLimit, Heartbeat(target));

    // initctl says "Unknown instance" when asked to stop a job that has no running instance: success for a
    // job named alone, but an error for an instance the user named (-Environment NAME=nosuch), as upstartctl's.
    internal override bool IsAlreadyDone(UpstartErrorCode code, JobTarget target) =>
        code is UpstartErrorCode.AlreadyStopped or UpstartErrorCode.JobNotRunning
        || (code == UpstartErrorCode.UnknownInstance && target.Instance.Length == 0 && ParsedEnvironment.Count == 0);
}
