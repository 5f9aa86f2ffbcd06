using System.Collections.Immutable;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// What the stanza handlers change while one file is read, like Upstart's JobClass while parse_job runs.
/// <see cref="Current"/> is the job so far; a handler replaces it with a `with` copy, so every field and
/// its default is written once, in <see cref="JobClassConfig"/>. An override starts from the finished
/// conf, so scalars replace and lists (<see cref="Accumulated{TBuilder}"/>) append, as in Upstart.
/// </summary>
internal sealed class JobParseState
{
    // At most one entry per list field a file uses (a handful), so a linear search beats a dictionary.
    private readonly List<(IAccumulated Field, object Builder)> _open = [];

    private JobParseState(JobClassConfig start, bool isOverride)
    {
        Current = start;
        IsOverride = isOverride;
    }

    /// <summary>The job as the stanzas read so far left it, lists still open excepted.</summary>
    public JobClassConfig Current { get; set; }

    /// <summary>True while an .override is read (so the settings it makes are recorded as the override's).</summary>
    public bool IsOverride { get; }

    /// <summary>A state for a .conf: every field at JobClassConfig's default.</summary>
    public static JobParseState ForConf(string name, string? path) =>
        new(new JobClassConfig { Name = name, SourcePath = path }, isOverride: false);

    /// <summary>A state for an .override read on top of <paramref name="conf"/>.</summary>
    public static JobParseState ForOverride(JobClassConfig conf, string overridePath) =>
        new(conf with { OverridePath = overridePath }, isOverride: true);

    /// <summary>The builder of a list field, opened from <see cref="Current"/>'s value on first use.</summary>
    public TBuilder Open<TBuilder>(Accumulated<TBuilder> field)
        where TBuilder : class
    {
        foreach (var (f, builder) in _open)
        {
            if (ReferenceEquals(f, field))
            {
                return (TBuilder)builder;
            }
        }

        var opened = field.Open(Current);
        _open.Add((field, opened));
        return opened;
    }

    /// <summary>The job read: <see cref="Current"/> with every open list written back.</summary>
    public JobClassConfig Finish()
    {
        var job = Current;
        foreach (var (field, builder) in _open)
        {
            job = field.Close(job, builder);
        }

        return job;
    }
}

/// <summary>A list field of <see cref="JobClassConfig"/> that stanzas extend.</summary>
internal interface IAccumulated
{
    JobClassConfig Close(JobClassConfig job, object builder);
}

/// <summary>
/// A list field of <see cref="JobClassConfig"/> that stanzas extend (env, export, emits, normal exit,
/// cgroup, the recorded settings). Appending to an ImmutableArray copies it, so a hostile file of
/// 100,000 `env` lines would take quadratic time; instead the parse state opens one builder per field
/// on first use and writes it back once, when the file is done.
/// </summary>
internal sealed class Accumulated<TBuilder>(
    Func<JobClassConfig, TBuilder> open,
    Func<JobClassConfig, TBuilder, JobClassConfig> close) : IAccumulated
    where TBuilder : class
{
    public TBuilder Open(JobClassConfig job) => open(job);

    public JobClassConfig Close(JobClassConfig job, object builder) => close(job, (TBuilder)builder);
}

/// <summary>The <see cref="Accumulated{TBuilder}"/> of an ImmutableArray field.</summary>
internal static class AccumulatedList
{
    public static Accumulated<ImmutableArray<T>.Builder> Of<T>(
        Func<JobClassConfig, ImmutableArray<T>> get,
        Func<JobClassConfig, ImmutableArray<T>, JobClassConfig> set) =>
        new(job => get(job).ToBuilder(), (job, builder) => set(job, builder.ToImmutable()));
}
