using System.Management.Automation;
using UpstartPS.Arguments;
using UpstartPS.Completion;
using UpstartPS.Errors;
using UpstartPS.Matching;
using UpstartPS.Protocol;

namespace UpstartPS.Commands;

/// <summary>
/// The rung for the job environment tables (initctl's list-env, get-env, set-env, unset-env, reset-env): which
/// table a record is about. No -Job: the daemon's global table, which every job instance starts from. -Job (and
/// -Instance for a job with an `instance` stanza): that running instance's own environment. Both bind by property
/// name, so a variable Get-UpstartEnvironment wrote goes back to the table it came from.
/// </summary>
public abstract class EnvironmentCommandBase : UpstartCommandBase
{
    /// <summary>The job whose instance's environment is meant; the global table when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string? Job { get; set; }

    /// <summary>The instance of -Job (for jobs with an `instance` stanza); literal.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(EnvironmentInstanceCompleter))]
    public string? Instance { get; set; }

    /// <summary>The table the current record is about, or null (reported) when -Job and -Instance do not name one.</summary>
    internal EnvironmentScope? ResolveScope()
    {
        try
        {
            return EnvironmentScope.From(Job, Instance);
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, "InvalidEnvironmentScope", ErrorCategory.InvalidArgument, string.IsNullOrEmpty(Job) ? Instance : Job));
            return null;
        }
    }

    /// <summary>True when <paramref name="name"/> is a name the daemon accepts; otherwise writes InvalidEnvironment (TargetObject: the name).</summary>
    internal bool CheckName(string name, EnvironmentScope scope)
    {
        if (RequestArguments.VariableNameProblem(name) is not { } problem)
        {
            return true;
        }

        Report(FailureMapping.InvalidVariable($"'{name}': {problem}."), name, scope.Job);
        return false;
    }

    /// <summary>The table's entries, or null (reported: UnknownJob, UnknownInstance, …) when it cannot be read.</summary>
    internal IReadOnlyList<string>? List(EnvironmentScope scope) =>
        TryCall(scope.Job, ct => Client.ListEnvironmentAsync(scope.Job, scope.Instance, ct));

    /// <summary>The selected variables of <paramref name="scope"/>, as output objects.</summary>
    internal static IEnumerable<UpstartEnvironmentVariable> Objects(VariableSelectionResult selection, EnvironmentScope scope) =>
        selection.Variables.Select(v => new UpstartEnvironmentVariable(v.Name, v.Value, scope.Job, scope.Instance));

    /// <summary>Runs a change to a table; true when it succeeded, false when reported.</summary>
    internal bool TryAct(EnvironmentScope scope, Func<CancellationToken, Task> operation)
    {
        var client = Client;
        try
        {
            Call(async ct =>
            {
                await operation(ct).ConfigureAwait(false);
                return scope;
            });
            return true;
        }
        catch (UpstartException ex) when (ex.Code == UpstartErrorCode.AccessDenied && client.Mode == DaemonMode.System)
        {
            // A system daemon refuses every change, even root's (as Upstart refuses PID 1's): "get access" is no advice here.
            Report(FailureMapping.EnvironmentChangeRefused(ex.Message), scope.Job ?? ResolvedSocketPath, scope.Job, ex);
            return false;
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            ReportException(ex, scope.Job);
            return false;
        }
    }
}
