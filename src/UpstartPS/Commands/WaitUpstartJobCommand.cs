using System.Diagnostics;
using System.Management.Automation;
using UpstartPS.Connection;
using UpstartPS.Errors;

namespace UpstartPS.Commands;

/// <summary>Pauses until each job is in -State (default running), as Wait-Job waits for jobs; -Timeout bounds the whole wait.</summary>
[Cmdlet(VerbsLifecycle.Wait, "UpstartJob", DefaultParameterSetName = NameSet)]
[OutputType(typeof(UpstartJob))]
public sealed class WaitUpstartJobCommand : JobCommandBase
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();

    /// <summary>The state to wait for.</summary>
    [Parameter(Position = 1)]
    [ValidateSet("waiting", "starting", "security", "pre-start", "spawned", "post-start", "running", "pre-stop", "stopping", "killed", "post-stop")]
    public string State { get; set; } = JobStates.Running;

    /// <summary>Seconds to wait in all; by default no limit.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Timeout { get; set; }

    /// <summary>Write each job to the pipeline once it is in the state.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var target in ResolveTargets())
        {
            var limit = Timeout > 0 ? TimeSpan.FromSeconds(Timeout) : (TimeSpan?)null;
            var remaining = limit - _elapsed.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                Report(FailureMapping.WaitTimedOut(target.ToString(), State, limit!.Value), target.ToString(), target.Name);
                continue;
            }

            try
            {
                var reached = Call(
                    ct => StateWaiter.WaitForStateAsync(Client.ListAsync, target.Name, target.Instance, State, ct),
                    remaining,
                    () => WriteVerbose($"Waiting for job '{target}' to be {State}..."));
                if (PassThru)
                {
                    WriteObject(new UpstartJob(reached));
                }
            }
            catch (TimeoutException ex)
            {
                Report(FailureMapping.WaitTimedOut(target.ToString(), State, limit!.Value), target.ToString(), target.Name, ex);
            }
            catch (Exception ex) when (IsFailure(ex))
            {
                ReportException(ex, target.Name, target.ToString());
            }
        }
    }
}
