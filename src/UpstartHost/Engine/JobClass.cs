using Upstart.JobFiles.Events;
using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// A loaded job class (Upstart's JobClass): its definition, the evaluation state of its `start on`, and its
/// live instances by name. A changed definition waits in <see cref="PendingConfig"/> until the instances
/// have gone (UPSTART.md §0: a running instance keeps its old definition).
/// </summary>
internal sealed class JobClass
{
    public JobClass(JobClassConfig config, string? fingerprint = null)
    {
        Config = config;
        Fingerprint = fingerprint;
        StartCondition = config.StartOn is { } on ? new EventConditionState(on) : null;
    }

    public JobClassConfig Config { get; }

    public string Name => Config.Name;

    /// <summary>
    /// The <see cref="Upstart.JobFiles.Loading.JobCatalog.Fingerprints"/> entry of the files <see cref="Config"/>
    /// was read from (null when not read from disk): each instance's record carries it, so that a later daemon
    /// can resume the instance under this definition even if the file has changed since (docs/daemon.md).
    /// </summary>
    public string? Fingerprint { get; set; }

    /// <summary>One per class: a `start on` shared by every instance it may create.</summary>
    public EventConditionState? StartCondition { get; }

    /// <summary>Live instances by expanded instance name ("" for a single-instance job).</summary>
    public Dictionary<string, JobInstance> Instances { get; } = new(StringComparer.Ordinal);

    /// <summary>The definition to switch to once the last instance has stopped.</summary>
    public JobClassConfig? PendingConfig { get; set; }

    /// <summary>The fingerprint of <see cref="PendingConfig"/>'s files.</summary>
    public string? PendingFingerprint { get; set; }

    /// <summary>The file is gone; the class disappears once the last instance has stopped.</summary>
    public bool Deleted { get; set; }

    /// <summary>
    /// How the class's most recent instance failed, null once an instance starts again. Upstart forgets a
    /// failure with the instance, so `initctl status` of a job stopped by its respawn limit shows only
    /// stop/waiting; a class keeps it so that status and list can still say why the job is down (an SRE's
    /// flapping service, docs/engine.md). Not recorded across daemon restarts.
    /// </summary>
    public JobFailure? LastFailure { get; set; }

    /// <summary>
    /// When the class's most recent instance ended (went back to waiting): what a stopped job, a task that has
    /// run, shows as its <see cref="JobSnapshot.Since"/>. Null until one ends; not recorded across daemon
    /// restarts, like <see cref="LastFailure"/>.
    /// </summary>
    public DateTimeOffset? LastEnded { get; set; }

    /// <summary>
    /// Where the last <see cref="PublishedStatus"/> put this class's entry: a hint that spares the next one a
    /// lookup by name, checked against the entry before it is trusted (engine thread).
    /// </summary>
    public int PublishedIndex { get; set; } = -1;

    /// <summary>Every event name this class listens to, in `start on` and `stop on`.</summary>
    public IEnumerable<string> EventNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (Config.StartOn is { } start)
        {
            names.UnionWith(start.EventNames());
        }

        if (Config.StopOn is { } stop)
        {
            names.UnionWith(stop.EventNames());
        }

        return names;
    }
}
