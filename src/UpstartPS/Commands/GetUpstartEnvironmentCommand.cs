using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Errors;
using UpstartPS.Matching;

namespace UpstartPS.Commands;

/// <summary>
/// list-env and get-env: the variables of the global job environment table, or of one instance's own
/// environment (-Job, -Instance), one object per variable, sorted by name. -Name as Get-Service's: a wildcard
/// that matches nothing is silent, a literal name that is not set is a NoVariableFoundForGivenName error.
/// Job objects piped in (`Get-UpstartJob web | Get-UpstartEnvironment`) list each instance's own environment: their
/// Name is the job's, not a variable's, so they bind as a whole (-InputObject) and -Name is not taken from them.
/// </summary>
[Cmdlet(VerbsCommon.Get, "UpstartEnvironment", DefaultParameterSetName = ScopeSet)]
[OutputType(typeof(UpstartEnvironmentVariable))]
public sealed class GetUpstartEnvironmentCommand : EnvironmentCommandBase
{
    private const string ScopeSet = "Scope";
    private const string JobObjectSet = "JobObject";

    /// <summary>Variable names; wildcards allowed; every variable when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ScopeSet)]
    [Parameter(Position = 0, ParameterSetName = JobObjectSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(EnvironmentVariableNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>A job instance (Get-UpstartJob's output) whose own environment is meant.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = JobObjectSet)]
    public UpstartJob? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is { } job)
        {
            (Job, Instance) = (job.Name, job.Instance);
        }

        if (ResolveScope() is not { } scope)
        {
            return;
        }

        var names = Name?.Where(n => CheckName(n, scope)).ToList();
        if (names is { Count: 0 })
        {
            return;
        }

        if (List(scope) is not { } entries)
        {
            return;
        }

        var selection = VariableSelection.Select(entries, names);
        foreach (var missing in selection.NotFound)
        {
            Report(FailureMapping.VariableNotFound(missing, scope.ToString()), missing, scope.Job);
        }

        foreach (var variable in Objects(selection, scope))
        {
            WriteObject(variable);
        }
    }
}
