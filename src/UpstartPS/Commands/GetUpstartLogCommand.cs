using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Connection;
using UpstartPS.Errors;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>
/// The console log of one or more jobs as one stream of lines tagged with time, job and instance
/// (Get-Content -Tail/-Wait style). Names from the whole pipeline are gathered first, so that
/// `'web','worker' | Get-UpstartLog -Wait` follows both at once; lines of several jobs are in time order.
/// </summary>
[Cmdlet(VerbsCommon.Get, "UpstartLog", DefaultParameterSetName = NameSet)]
[OutputType(typeof(UpstartLogLine))]
public sealed class GetUpstartLogCommand : JobCommandBase
{
    private readonly List<JobTarget> _targets = [];

    /// <summary>Of the jobs -Name or -InputObject selects, only those whose job name matches one of these; wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Include { get; set; }

    /// <summary>Of the jobs -Name or -InputObject selects, leave out those whose job name matches one of these; wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Exclude { get; set; }

    /// <summary>How many of the last lines of each log to show first.</summary>
    [Parameter]
    [Alias("Last")]
    [ValidateRange(0, 1_000_000)]
    public int Tail { get; set; } = 10;

    /// <summary>Keep following the logs until Ctrl+C.</summary>
    [Parameter]
    [Alias("Follow")]
    public SwitchParameter Wait { get; set; }

    // A stopped instance is gone from the daemon's list but its log (JOB-INSTANCE.log) stays: a literal -Instance is asked for anyway.
    protected override void ProcessRecord() => _targets.AddRange(ResolveTargets(pastInstances: true, include: Include, exclude: Exclude).Where(t => !_targets.Contains(t)));

    protected override void EndProcessing()
    {
        if (_targets.Count == 0)
        {
            return;
        }

        var client = Client;
        if (!Wait)
        {
            // Each log's tail, then all of them interleaved by time (a stable sort keeps each log's order).
            var lines = new List<LogLineInfo>();
            foreach (var target in _targets)
            {
                try
                {
                    lines.AddRange(Call(async ct =>
                    {
                        var read = new List<LogLineInfo>();
                        await foreach (var line in client.ReadLogAsync(target.Name, InstanceOf(target), Tail, false, ct).ConfigureAwait(false))
                        {
                            read.Add(line);
                        }

                        return read;
                    }));
                }
                catch (Exception ex) when (IsFailure(ex))
                {
                    // A log refused to this user is reported for its job only; the other logs are still read.
                    Report(FailureMapping.FromLogException(ex, ResolvedSocketPath, target.Name), target.Name, target.Name, ex);
                }
            }

            foreach (var line in lines.OrderBy(l => l.Time))
            {
                WriteObject(new UpstartLogLine(line));
            }

            return;
        }

        var sources = _targets
            .Select(t => (Func<CancellationToken, IAsyncEnumerable<LogLineInfo>>)(ct => client.ReadLogAsync(t.Name, InstanceOf(t), Tail, true, ct)))
            .ToList();
        try
        {
            foreach (var line in Read(ct => Streams.Merge(sources, ct)))
            {
                WriteObject(new UpstartLogLine(line));
            }
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            var targets = string.Join(", ", _targets);
            Report(FailureMapping.FromLogException(ex, ResolvedSocketPath, targets), targets, targets, ex);
        }
    }

    private static string? InstanceOf(JobTarget target) => target.Instance.Length == 0 ? null : target.Instance;
}
