using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Matching;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>
/// The daemon's live stream of events and job state changes, written as they happen until Ctrl+C,
/// -Count items or -Timeout seconds (ending by count or timeout is not an error).
/// </summary>
[Cmdlet(VerbsCommon.Watch, "UpstartEvent")]
[OutputType(typeof(UpstartEvent))]
public sealed class WatchUpstartEventCommand : UpstartCommandBase
{
    /// <summary>Only events (and state changes) whose name matches; wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    public string[] Name { get; set; } = ["*"];

    /// <summary>Only events and state changes about these jobs; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Job { get; set; }

    /// <summary>Stop after this many items.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Stop after this many seconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Timeout { get; set; }

    /// <summary>Start with the daemon's recent event history.</summary>
    [Parameter]
    public SwitchParameter IncludeHistory { get; set; }

    protected override void ProcessRecord()
    {
        var filter = new EventFilter(Name, Job);
        var client = Client;
        var written = 0;
        try
        {
            foreach (var item in Read(ct => client.WatchAsync(IncludeHistory, ct), Timeout > 0 ? TimeSpan.FromSeconds(Timeout) : null))
            {
                if (!filter.Matches(item))
                {
                    continue;
                }

                WriteObject(new UpstartEvent(item));
                if (Count > 0 && ++written >= Count)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            ReportException(ex, null);
        }
    }
}
