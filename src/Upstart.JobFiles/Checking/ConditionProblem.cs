namespace Upstart.JobFiles.Checking;

/// <summary>
/// A `start on` / `stop on` operand that can never be satisfied, as `initctl check-config` reports it:
/// `  start on: unknown event peach` or `  stop on: unknown job grape`.
/// </summary>
/// <param name="Job">The job whose condition it is.</param>
/// <param name="Stanza">`start on` or `stop on`.</param>
/// <param name="IsJob">True for an unknown job (starting/started/stopping/stopped X), false for an event.</param>
/// <param name="Name">The unknown event or job name.</param>
public sealed record ConditionProblem(string Job, string Stanza, bool IsJob, string Name)
{
    public override string ToString() => $"  {Stanza}: unknown {(IsJob ? "job" : "event")} {Name}";
}
