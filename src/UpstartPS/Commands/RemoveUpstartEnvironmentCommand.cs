using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Matching;

namespace UpstartPS.Commands;

/// <summary>
/// unset-env: removes variables from the global job environment table or from one instance's own environment.
/// Names are exact (select with Get-UpstartEnvironment's wildcards and pipe the result in: Name, Job and
/// Instance bind by property name, so each variable is removed from the table it came from). A name that is
/// not set is no error, as initctl unset-env and as stopping a stopped job.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "UpstartEnvironment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartEnvironmentVariable))]
public sealed class RemoveUpstartEnvironmentCommand : EnvironmentCommandBase
{
    /// <summary>The variables' names (exact, no wildcards).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EnvironmentVariableNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Write each variable that was removed, with the value it had.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveScope() is not { } scope)
        {
            return;
        }

        var confirmed = Name
            .Where(n => CheckName(n, scope))
            .Distinct(StringComparer.Ordinal)
            .Where(n => ShouldProcess($"{n} in {scope}", "Remove environment variable"))
            .ToList();
        if (confirmed.Count == 0)
        {
            return;
        }

        // -PassThru writes what was removed, so the values are read first (a name that was not set is not written);
        // a table that cannot be read has been reported, and nothing is removed.
        IReadOnlyList<string>? before = null;
        if (PassThru && (before = List(scope)) is null)
        {
            return;
        }

        if (!TryAct(scope, ct => Client.UnsetEnvironmentAsync(confirmed, scope.Job, scope.Instance, ct)) || before is null)
        {
            return;
        }

        var exact = before.Where(e => confirmed.Contains(VariableSelection.Split(e).Name, StringComparer.Ordinal));
        foreach (var variable in Objects(VariableSelection.Select(exact, null), scope))
        {
            WriteObject(variable);
        }
    }
}
