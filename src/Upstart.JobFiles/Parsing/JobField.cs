using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// One property of <see cref="JobClassConfig"/> as the stanza handlers set it: on the parse state's
/// draft (<see cref="JobParseState.Current"/>), a JobClassConfig no one else sees until the file is read.
/// Why not a `with` copy per stanza: the record is 312 bytes, so the typical file's thirteen scalar
/// stanzas more than doubled what a parse allocates (4.4 → 9.7 KB), and a hostile 1 MiB file of `task`
/// lines allocated 60 MB. Why not a builder with a field per property: that was a second copy of every
/// field and default. The property's own init accessor is bound once, so both stay written once, in
/// JobClassConfig.
/// </summary>
internal sealed class JobField<T>
{
    private readonly Func<JobClassConfig, T> _get;
    private readonly Action<JobClassConfig, T> _set;

    /// <param name="property">nameof(JobClassConfig.Property).</param>
    public JobField(string property)
    {
        var p = typeof(JobClassConfig).GetProperty(property)
            ?? throw new ArgumentException($"JobClassConfig has no property {property}", nameof(property));
        _get = p.GetMethod!.CreateDelegate<Func<JobClassConfig, T>>();
        _set = p.SetMethod!.CreateDelegate<Action<JobClassConfig, T>>();
    }

    public T Get(JobParseState job) => _get(job.Current);

    public void Set(JobParseState job, T value) => _set(job.Current, value);

    internal T Get(JobClassConfig draft) => _get(draft);

    internal void Set(JobClassConfig draft, T value) => _set(draft, value);
}
