using System.Management.Automation;
using UpstartPS.Errors;
using UpstartPS.Offline;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>
/// reload-configuration: the daemon re-reads its job directories. It first asks for a dry run, so
/// the confirmation (and -WhatIf) says exactly which jobs would be added, changed and removed.
/// A changed job keeps its old definition until its running instance stops (Upstart's rule).
/// </summary>
[Cmdlet(VerbsData.Update, "UpstartConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartConfigurationChange))]
public sealed class UpdateUpstartConfigurationCommand : UpstartCommandBase
{
    /// <summary>Write one UpstartConfigurationChange per job added, changed or removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var client = Client;
        var preview = Call(ct => client.ReloadConfigurationAsync(true, ct));
        var summary = ConfigurationSummary.Describe(preview);
        if (!ShouldProcess($"Reload the Upstart job configuration: {summary}", $"Reload the Upstart job configuration ({summary})?", "Update-UpstartConfiguration"))
        {
            WriteDiagnostics(preview);
            return;
        }

        var applied = Call(ct => client.ReloadConfigurationAsync(false, ct));
        WriteDiagnostics(applied);
        foreach (var change in UpstartConfigurationChange.From(applied))
        {
            WriteVerbose(change.ToString());
            if (PassThru)
            {
                WriteObject(change);
            }
        }
    }

    // A file that does not parse fails only itself (POWERSHELL.md §8: a non-terminating ParserError whose
    // TargetObject is the file): the daemon still loads every other job, and that job keeps its last good
    // definition. A warning-level diagnostic stays a warning.
    private void WriteDiagnostics(ConfigurationChange change)
    {
        foreach (var info in change.Diagnostics)
        {
            var diagnostic = new UpstartJobFileDiagnostic(info);
            if (diagnostic.Severity == "Warning")
            {
                WriteWarning(diagnostic.ToString());
                continue;
            }

            var job = JobFileCheck.JobName(Path.ChangeExtension(info.Path, JobFileCheck.ConfExtension));
            WriteError(new ErrorRecord(new UpstartCommandException(diagnostic.ToString(), job), "JobFileParseError", ErrorCategory.ParserError, info.Path));
        }
    }
}
