using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Matching;

namespace UpstartPS.Commands;

/// <summary>
/// True when the job exists and every selected instance is in -State / has -Goal; false otherwise,
/// never an error for a missing job. Made for scripts and Pester: `Test-UpstartJob web -State running | Should -BeTrue`.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "UpstartJob")]
[OutputType(typeof(bool))]
public sealed class TestUpstartJobCommand : UpstartCommandBase
{
    /// <summary>Job names; wildcards allowed (true only when something matches and all of it passes).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobName", "Job")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Only this instance; wildcards allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InstanceCompleter))]
    public string? Instance { get; set; }

    /// <summary>The state every selected instance must be in.</summary>
    [Parameter(Position = 1)]
    [ValidateSet("waiting", "starting", "security", "pre-start", "spawned", "post-start", "running", "pre-stop", "stopping", "killed", "post-stop")]
    public string? State { get; set; }

    /// <summary>The goal every selected instance must have.</summary>
    [Parameter]
    [ValidateSet("start", "stop", "respawn")]
    public string? Goal { get; set; }

    /// <summary>Also require the job to be disabled ($true) or enabled ($false).</summary>
    [Parameter]
    public bool? Disabled { get; set; }

    protected override void ProcessRecord()
    {
        var selection = JobSelection.Select(Call(ct => Client.ListAsync(ct)), Name, Instance);
        WriteObject(JobCheck.Passes(selection, State, Goal, Disabled));
    }
}
