using System.Management.Automation;
using UpstartPS.Matching;

namespace UpstartPS.Commands;

/// <summary>
/// reset-env: the global job environment table back to the daemon's defaults (every variable set or removed since
/// it started is forgotten), or one instance's environment back to its job's. ConfirmImpact High: it discards
/// every change at once, so it asks first under the default $ConfirmPreference (-Confirm:$false in scripts).
/// </summary>
[Cmdlet(VerbsCommon.Reset, "UpstartEnvironment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(UpstartEnvironmentVariable))]
public sealed class ResetUpstartEnvironmentCommand : EnvironmentCommandBase
{
    /// <summary>Write every variable of the table as it is after the reset.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveScope() is not { } scope)
        {
            return;
        }

        var action = scope.IsGlobal
            ? "Reset to the daemon's defaults, discarding every variable set or removed"
            : "Reset to the job's environment, discarding every variable set or removed";
        if (!ShouldProcess(scope.ToString(), action)
            || !TryAct(scope, ct => Client.ResetEnvironmentAsync(scope.Job, scope.Instance, ct)))
        {
            return;
        }

        if (PassThru && List(scope) is { } entries)
        {
            foreach (var variable in Objects(VariableSelection.Select(entries, null), scope))
            {
                WriteObject(variable);
            }
        }
    }
}
