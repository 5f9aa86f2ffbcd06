using System.Collections.Immutable;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// What the stanza handlers change while one file is read, like Upstart's JobClass while parse_job runs.
/// <see cref="Current"/> is the job so far: the state's own JobClassConfig, whose properties the
/// handlers set through <see cref="JobField{T}"/>, so every field and its default is written once, in
/// JobClassConfig. An override starts from a copy of the finished conf, so scalars replace and lists
/// (<see cref="Accumulated{TBuilder}"/>) append, as in Upstart.
/// </summary>
internal sealed class JobParseState
{
    // At most one entry per list field a file uses (a handful), so a linear search beats a dictionary.
    private readonly List<(IAccumulated Field, object Builder)> _open = [];

    private JobParseState(JobClassConfig draft, bool isOverride)
    {
        Current = draft;
        IsOverride = isOverride;
    }

    /// <summary>The job as the stanzas read so far left it, lists still open excepted. Not shared until <see cref="Finish"/>.</summary>
    public JobClassConfig Current { get; }

    /// <summary>True while an .override is read (so the settings it makes are recorded as the override's).</summary>
    public bool IsOverride { get; }

    /// <summary>A state for a .conf: every field at JobClassConfig's default.</summary>
    public static JobParseState ForConf(string name, string? path) =>
        new(new JobClassConfig { Name = name, SourcePath = path }, isOverride: false);

    /// <summary>A state for an .override read on top of <paramref name="conf"/>, which is left as it is.</summary>
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

    /// <summary>The job read: <see cref="Current"/> with every open list written back. The state is done with.</summary>
    public JobClassConfig Finish()
    {
        foreach (var (field, builder) in _open)
        {
            field.Close(Current, builder);
        }

        _open.Clear();
        return Current;
    }
}

/// <summary>A list field of <see cref="JobClassConfig"/> that stanzas extend.</summary>
internal interface IAccumulated
{
    void Close(JobClassConfig draft, object builder);
}

/// <summary>
/// A list field of <see cref="JobClassConfig"/> that stanzas extend (env, export, emits, normal exit,
/// cgroup, the recorded settings). Appending to an ImmutableArray copies it, so a hostile file of
/// 100,000 `env` lines would take quadratic time; instead the parse state opens one builder per field
/// on first use and writes it back once, when the file is done.
/// </summary>
internal sealed class Accumulated<TBuilder>(
    Func<JobClassConfig, TBuilder> open,
    Action<JobClassConfig, TBuilder> close) : IAccumulated
    where TBuilder : class
{
    public TBuilder Open(JobClassConfig draft) => open(draft);

    public void Close(JobClassConfig draft, object builder) => close(draft, (TBuilder)builder);
}

/// <summary>The <see cref="Accumulated{TBuilder}"/> of an ImmutableArray property.</summary>
internal static class AccumulatedList
{
    /// <param name="property">nameof(JobClassConfig.Property).</param>
    public static Accumulated<ImmutableArray<T>.Builder> Of<T>(string property)
    {
        var field = new JobField<ImmutableArray<T>>(property);
        return new(draft => field.Get(draft).ToBuilder(), (draft, builder) => field.Set(draft, builder.ToImmutable()));
    }
}
