using UpstartPS.Protocol;

namespace UpstartPS.Arguments;

/// <summary>
/// Which job environment table a command reads or changes: the daemon's global table (no job), or one job
/// instance's own environment (a job, and its instance: "" for a job with no `instance` stanza). Built from
/// -Job and -Instance, which also bind by property name: a global variable piped in carries a null (or, from
/// Import-Csv, an empty) Job, which means the global table, not an error.
/// </summary>
public sealed record EnvironmentScope
{
    public static readonly EnvironmentScope Global = new(null, null);

    private EnvironmentScope(string? job, string? instance)
    {
        Job = job;
        Instance = instance;
    }

    /// <summary>The job; null for the global table.</summary>
    public string? Job { get; }

    /// <summary>The instance ("" for a job's only instance); null for the global table.</summary>
    public string? Instance { get; }

    public bool IsGlobal => Job is null;

    /// <summary>
    /// The scope -Job and -Instance name. Throws ArgumentException for an instance without a job (an instance
    /// names an environment only together with its job) and for a name the daemon would refuse.
    /// </summary>
    public static EnvironmentScope From(string? job, string? instance)
    {
        if (string.IsNullOrEmpty(job))
        {
            return string.IsNullOrEmpty(instance)
                ? Global
                : throw new ArgumentException($"-Instance '{instance}' names an instance of a job: give its -Job too (without -Job the global job environment is meant).");
        }

        if (RequestArguments.JobNameProblem(job) is { } problem)
        {
            throw new ArgumentException($"-Job: {problem}.");
        }

        if (!string.IsNullOrEmpty(instance) && RequestArguments.NameProblem("instance name", instance) is { } instanceProblem)
        {
            throw new ArgumentException($"-Instance: {instanceProblem}.");
        }

        return new EnvironmentScope(job, instance ?? "");
    }

    /// <summary>"the global job environment" or "the environment of worker (instance: alpha)": for prompts and messages.</summary>
    public override string ToString() =>
        Job is null ? "the global job environment"
        : Instance is { Length: > 0 } ? $"the environment of {Job} (instance: {Instance})"
        : $"the environment of {Job}";
}
