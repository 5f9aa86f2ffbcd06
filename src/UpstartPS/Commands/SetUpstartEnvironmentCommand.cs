using System.Collections;
using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Errors;
using UpstartPS.Matching;
using UpstartPS.Protocol;

namespace UpstartPS.Commands;

/// <summary>
/// set-env: sets variables in the global job environment table (what every job instance starts from; running
/// instances get it too) or in one instance's own environment. -NoClobber is initctl's --retain: a variable
/// already set keeps its value. Name, Value, Job and Instance bind by property name, so Import-Csv rows and
/// Get-UpstartEnvironment objects pipe in.
/// </summary>
[Cmdlet(VerbsCommon.Set, "UpstartEnvironment", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartEnvironmentVariable))]
public sealed class SetUpstartEnvironmentCommand : EnvironmentCommandBase
{
    private const string NameSet = "Name";
    private const string VariableSet = "Variable";

    /// <summary>The variable's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EnvironmentVariableNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The value; empty when omitted.</summary>
    [Parameter(Position = 1, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? Value { get; set; }

    /// <summary>Several variables at once: names and values.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = VariableSet)]
    [ValidateNotNull]
    public Hashtable Variable { get; set; } = [];

    /// <summary>Keep the value of a variable that is already set (initctl set-env --retain).</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Write each variable as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveScope() is not { } scope)
        {
            return;
        }

        var action = NoClobber ? "Set environment variable unless it is set" : "Set environment variable";
        var confirmed = new List<(string Name, string Entry)>();
        foreach (var (name, value) in Requested())
        {
            var entry = $"{name}={value}";
            // The name alone first: in `A=B` given as a name, the entry A=B=VALUE would read as A set to B=VALUE.
            if ((RequestArguments.VariableNameProblem(name) ?? RequestArguments.SetEnvironmentProblem(entry)) is { } problem)
            {
                Report(FailureMapping.InvalidVariable($"'{name}': {problem}."), name, scope.Job);
                continue;
            }

            if (ShouldProcess($"{entry} in {scope}", action))
            {
                confirmed.Add((name, entry));
            }
        }

        if (confirmed.Count == 0
            || !TryAct(scope, ct => Client.SetEnvironmentAsync(confirmed.Select(c => c.Entry).ToList(), NoClobber, scope.Job, scope.Instance, ct)))
        {
            return;
        }

        // With -NoClobber a variable may have kept its old value: read back what the table holds now.
        if (PassThru && List(scope) is { } entries)
        {
            foreach (var variable in Objects(VariableSelection.Select(entries, confirmed.Select(c => EscapeWildcards(c.Name))), scope))
            {
                WriteObject(variable);
            }
        }
    }

    private List<(string Name, string Value)> Requested()
    {
        if (ParameterSetName == NameSet)
        {
            return [(Name, Value ?? "")];
        }

        // A hashtable has no order of its own: by name, as -Environment's hashtables are (EnvironmentArguments).
        return Variable.Cast<DictionaryEntry>()
            .Select(e => (Name: Text(e.Key), Value: Text(e.Value)))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static string Text(object? value) =>
        LanguagePrimitives.ConvertTo<string>(value is PSObject o ? o.BaseObject : value) ?? "";

    /// <summary>A name as a literal pattern: a variable may be called `a*`.</summary>
    private static string EscapeWildcards(string name) => WildcardPattern.Escape(name);
}
