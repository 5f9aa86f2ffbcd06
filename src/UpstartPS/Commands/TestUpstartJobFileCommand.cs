using System.Management.Automation;
using Upstart.JobFiles.Checking;
using UpstartPS.Offline;

namespace UpstartPS.Commands;

/// <summary>
/// init-checkconf, offline: checks job files (or directories of them) with the daemon's parser and
/// writes one UpstartJobFileDiagnostic per problem, nothing for a good file; -Quiet writes one bool
/// per path instead. Takes Get-ChildItem output (PSPath/FullName bind to -LiteralPath by property name).
/// For a directory, conditions no job there can satisfy are written as warnings (check-config).
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "UpstartJobFile", DefaultParameterSetName = PathSet)]
[OutputType(typeof(UpstartJobFileDiagnostic), typeof(bool))]
public sealed class TestUpstartJobFileCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Job files or directories; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Job files or directories, taken literally.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Events a directory's jobs may wait for without any job emitting them (as initctl check-config --ignore-events).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? IgnoreEvent { get; set; }

    /// <summary>
    /// Also warn (kind beyond-upstart) at each stanza Upstart 1.13 would reject, for job files shared with
    /// hosts that still run it; as `upstart-host check --upstart-compatible`.
    /// </summary>
    [Parameter]
    public SwitchParameter UpstartCompatible { get; set; }

    /// <summary>Write $true or $false per path instead of diagnostics.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        var options = new CheckOptions { IgnoredEvents = IgnoreEvent ?? [], UpstartCompatible = UpstartCompatible };
        foreach (var file in Resolve())
        {
            IReadOnlyList<Upstart.JobFiles.Diagnostics.Diagnostic> diagnostics;
            try
            {
                diagnostics = JobFileCheck.Check(file, options);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "JobFileUnreadable", ErrorCategory.ReadError, file));
                continue;
            }

            if (Quiet)
            {
                WriteObject(diagnostics.All(d => d.Severity != Upstart.JobFiles.Diagnostics.DiagnosticSeverity.Error));
                continue;
            }

            WriteVerbose(diagnostics.Count == 0 ? $"File {file}: syntax ok" : $"File {file}: {diagnostics.Count} problem(s)");
            foreach (var diagnostic in diagnostics)
            {
                WriteObject(new UpstartJobFileDiagnostic(diagnostic));
            }
        }
    }

    private List<string> Resolve()
    {
        var files = new List<string>();
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var path in literal ? LiteralPath : Path)
        {
            try
            {
                if (literal)
                {
                    files.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
                }
                else
                {
                    var resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
                    if (provider.Name != "FileSystem")
                    {
                        WriteError(new ErrorRecord(
                            new ArgumentException($"'{path}' is not a file system path."), "NotAFileSystemPath", ErrorCategory.InvalidArgument, path));
                        continue;
                    }

                    files.AddRange(resolved);
                }
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
        }

        foreach (var missing in files.Where(f => !File.Exists(f) && !Directory.Exists(f)).ToList())
        {
            files.Remove(missing);
            WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{missing}' because it does not exist."), "PathNotFound", ErrorCategory.ObjectNotFound, missing));
        }

        return files;
    }
}
