using UpstartPS.Protocol.Messages;

namespace UpstartPS;

/// <summary>
/// One condition of a loaded job that nothing can satisfy, as the running daemon's check-config finds it
/// (Test-UpstartJobConfiguration): the job waits in Stanza (`start on` or `stop on`) for an event nothing
/// emits (Kind Event) or on a job that does not exist (Kind Job), named Unknown. Flat strings, so it survives
/// remoting and `Where-Object Kind -eq Event` works on either side. There is deliberately no Name property:
/// Name would bind by property name before the Job alias does, so piping a problem into
/// Get-UpstartJobConfiguration or Stop-UpstartJob would name the event instead of the job.
/// </summary>
public sealed class UpstartJobConfigurationProblem
{
    internal UpstartJobConfigurationProblem(CheckConfigItem item)
        : this(item.Job, item.Stanza, string.Equals(item.Kind, "job", StringComparison.OrdinalIgnoreCase) ? "Job" : "Event", item.Name)
    {
    }

    internal UpstartJobConfigurationProblem(string job, string stanza, string kind, string unknown)
    {
        Job = job;
        Stanza = stanza;
        Kind = kind;
        Unknown = unknown;
    }

    /// <summary>The job whose condition it is.</summary>
    public string Job { get; }

    /// <summary>"start on" or "stop on".</summary>
    public string Stanza { get; }

    /// <summary>"Event" (nothing emits it) or "Job" (no job of that name is loaded).</summary>
    public string Kind { get; }

    /// <summary>The event or job the condition names.</summary>
    public string Unknown { get; }

    /// <summary>JOB: STANZA: unknown event|job NAME, initctl check-config's line with its job in front.</summary>
    public override string ToString() => $"{Job}: {Stanza}: unknown {(Kind == "Job" ? "job" : "event")} {Unknown}";
}
