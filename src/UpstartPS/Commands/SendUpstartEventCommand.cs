using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Arguments;

namespace UpstartPS.Commands;

/// <summary>
/// initctl emit: sends an event with an environment. Like emit it returns once every job the event
/// started or stopped has got there (-NoWait returns at once); a job failing makes the event fail.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "UpstartEvent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UpstartEvent))]
public sealed class SendUpstartEventCommand : UpstartCommandBase
{
    /// <summary>
    /// The event's name. Strings and events (Watch-UpstartEvent's, by their Name) bind from the pipeline;
    /// a job does not (EventNameArgument): `Get-UpstartJob web | Send-UpstartEvent` is refused, not sent as "web".
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [EventNameArgument]
    [Alias("EventName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>KEY=VALUE strings or a hashtable; the event's environment.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Env")]
    public object[] Environment { get; set; } = [];

    /// <summary>Return once the event is queued.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Seconds to wait for the jobs the event affects; by default no limit.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Timeout { get; set; }

    /// <summary>Write the event that was sent to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (EventNameArgumentAttribute.IsJob(Name, out var job))
        {
            var message = $"'{job}' is a job, not an event: Send-UpstartEvent sends events by name. " +
                "Start the job with Start-UpstartJob, or name the event its start on waits for.";
            WriteError(new ErrorRecord(new ArgumentException(message), "JobIsNotAnEvent", ErrorCategory.InvalidArgument, job));
            return;
        }

        IReadOnlyList<string> environment;
        try
        {
            environment = EnvironmentArguments.Parse(Environment.Select(e => e is PSObject o ? o.BaseObject : e));
        }
        catch (ArgumentException ex)
        {
            // Per record: the environment may come from the pipeline with the name.
            WriteError(new ErrorRecord(ex, "InvalidEnvironment", ErrorCategory.InvalidArgument, Environment));
            return;
        }

        var shown = environment.Count == 0 ? Name : $"{Name} {string.Join(' ', environment)}";
        if (!ShouldProcess(shown, "Emit event"))
        {
            return;
        }

        var client = Client;
        var sent = TryCall(Name, async ct =>
            {
                await client.EmitAsync(Name, environment, !NoWait, ct).ConfigureAwait(false);
                return new UpstartEvent(DateTimeOffset.Now, Name, environment);
            },
            Timeout > 0 ? TimeSpan.FromSeconds(Timeout) : null,
            () => WriteWarning($"Waiting for the jobs started or stopped by '{Name}'..."));
        if (sent is not null && PassThru)
        {
            WriteObject(sent);
        }
    }
}
