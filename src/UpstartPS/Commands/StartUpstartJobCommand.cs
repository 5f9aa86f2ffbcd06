using System.Management.Automation;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>start(8): returns when a service is running or a task has finished; "already running" is success.</summary>
[Cmdlet(VerbsLifecycle.Start, "UpstartJob", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartJob))]
public sealed class StartUpstartJobCommand : JobLifecycleCommandBase
{
    protected override string ActionText => "Start job";
    protected override string ProgressActivity => "Starting Upstart jobs";
    protected override string WaitingFor => "start";
    protected override bool StartsPerJob => true;

    internal override JobInfo? Act(JobTarget target) =>
        Call(ct => Client.StartAsync(target.Name, EnvironmentFor(target), !NoWait, ct), TimeLimit, Heartbeat(target));

    internal override bool IsAlreadyDone(UpstartErrorCode code, JobTarget target) => code == UpstartErrorCode.AlreadyRunning;
}
