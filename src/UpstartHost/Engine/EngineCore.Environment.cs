using Upstart.JobFiles.Events;

namespace UpstartHost.Engine;

/// <summary>
/// The job environment tables initctl's list-env, get-env, set-env, unset-env and reset-env act on
/// (UPSTART.md §d "Environment commands"): the global table every instance starts from (Upstart's
/// job_environ: PATH and TERM, in session mode the session's own environment) and each live instance's own
/// environment, which its later processes receive (a pre-start that runs `initctl set-env` hands a
/// variable to the main process). As in Upstart 1.13, setting or unsetting a global variable changes every
/// live instance too, and resetting the global table does not.
/// </summary>
internal sealed partial class EngineCore
{
    /// <summary>The global table when it differs from <see cref="EngineOptions.BaseEnvironment"/>; null while it does not.</summary>
    private List<string>? _changedGlobalEnvironment;

    /// <summary>The global table as every new instance's environment starts from it (engine thread).</summary>
    public IReadOnlyList<string> GlobalEnvironment => _changedGlobalEnvironment ?? _options.BaseEnvironment;

    /// <summary>
    /// The global table for the runtime state file when set-env, unset-env or reset-env changed it since the daemon
    /// started (null: the defaults, which the next program computes for itself). Any thread: replaced, never changed.
    /// </summary>
    public IReadOnlyList<string>? RecordedGlobalEnvironment { get; private set; }

    /// <summary>A later program resumes the global table its predecessor recorded (before any instance is restored).</summary>
    public void RestoreGlobalEnvironment(IReadOnlyList<string> table) => ReplaceGlobal([.. table]);

    /// <summary>list-env: the table of <paramref name="job"/>'s instance, or the global table when job is null.</summary>
    public IReadOnlyList<string> ReadEnvironment(string? job, string? instance) =>
        job is null ? [.. GlobalEnvironment] : [.. FindLiveInstance(job, instance).Environment];

    /// <summary>set-env: VAR=VALUE or a bare VAR (the empty value); with <paramref name="retain"/> a variable already set keeps its value.</summary>
    public void SetEnvironment(string? job, string? instance, IReadOnlyList<string> variables, bool retain)
    {
        var target = job is null ? null : FindLiveInstance(job, instance);
        if (target is not null)
        {
            Change(target, Bounded(target.Environment, Set(target.Environment, variables, retain)));
            return;
        }

        ReplaceGlobal(Bounded(GlobalEnvironment, Set(GlobalEnvironment, variables, retain)));
        foreach (var live in LiveInstances())
        {
            Change(live, Set(live.Environment, variables, retain));
        }
    }

    /// <summary>unset-env: removes each name; one not set is no error (initctl 1.13 says nothing either).</summary>
    public void UnsetEnvironment(string? job, string? instance, IReadOnlyList<string> names)
    {
        var target = job is null ? null : FindLiveInstance(job, instance);
        if (target is not null)
        {
            Change(target, Unset(target.Environment, names));
            return;
        }

        ReplaceGlobal(Unset(GlobalEnvironment, names));
        foreach (var live in LiveInstances())
        {
            Change(live, Unset(live.Environment, names));
        }
    }

    /// <summary>
    /// reset-env: the global table back to the daemon's defaults (live instances keep theirs), or an instance's
    /// environment back to what its job gives every instance (the global table and the `env` stanza), without
    /// what its start request or events added.
    /// </summary>
    public void ResetEnvironment(string? job, string? instance)
    {
        if (job is null)
        {
            _changedGlobalEnvironment = null;
            RecordedGlobalEnvironment = [.. _options.BaseEnvironment];
            _instanceVersion++;
            return;
        }

        var target = FindLiveInstance(job, instance);
        Change(target, JobEnvironment.ForClass(_options, GlobalEnvironment, target.Config).ToList());
    }

    private JobInstance FindLiveInstance(string job, string? instance)
    {
        if (!_registry.TryGet(job, out var jobClass))
        {
            throw new EngineException(EngineError.UnknownJob, "Unknown job: " + job);
        }

        var name = instance ?? "";
        return jobClass.Instances.TryGetValue(name, out var found) && !found.Destroyed
            ? found
            : throw new EngineException(EngineError.UnknownInstance, "Unknown instance: " + name);
    }

    private IEnumerable<JobInstance> LiveInstances()
    {
        foreach (var jobClass in _registry.All)
        {
            foreach (var instance in jobClass.Instances.Values)
            {
                if (!instance.Destroyed)
                {
                    yield return instance;
                }
            }
        }
    }

    /// <summary>A new list, never the old one changed: the state writer knows an unchanged environment by reference.</summary>
    private void Change(JobInstance instance, List<string> environment)
    {
        instance.Environment = environment;
        _instanceVersion++;
    }

    private void ReplaceGlobal(List<string> table)
    {
        _changedGlobalEnvironment = table;
        RecordedGlobalEnvironment = table.ToArray();
        _instanceVersion++;
    }

    /// <summary>
    /// The most bytes set-env lets a job environment grow to: half of Linux's usual ARG_MAX (2 MiB for environment and
    /// arguments together), since every process of the job is exec'd with it and the `env` stanza, events and
    /// UPSTART_* variables come on top. Past ARG_MAX every spawn of the job would fail with E2BIG.
    /// </summary>
    public const int MaxEnvironmentBytes = 1 << 20;

    /// <summary><paramref name="changed"/>, unless it grew past <see cref="MaxEnvironmentBytes"/> (a change that does not grow it always passes).</summary>
    private static List<string> Bounded(IReadOnlyList<string> before, List<string> changed)
    {
        var bytes = Bytes(changed);
        if (bytes > MaxEnvironmentBytes && bytes > Bytes(before))
        {
            throw new EngineException(
                EngineError.EnvironmentTooLarge,
                $"The job environment would be {bytes} bytes; set-env lets it grow to {MaxEnvironmentBytes} at most (every process of a job is given it, and exec(2) takes at most 2 MiB of environment and arguments)");
        }

        return changed;
    }

    /// <summary>What the environment block of a process holds for <paramref name="environment"/>: each entry and its NUL.</summary>
    private static long Bytes(IReadOnlyList<string> environment)
    {
        long bytes = 0;
        foreach (var entry in environment)
        {
            bytes += System.Text.Encoding.UTF8.GetByteCount(entry) + 1;
        }

        return bytes;
    }

    private static List<string> Set(IReadOnlyList<string> environment, IReadOnlyList<string> variables, bool retain)
    {
        var env = new EnvironmentBuilder();
        env.AppendEntries(environment);
        foreach (var variable in variables)
        {
            var eq = variable.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = eq < 0 ? (variable, "") : (variable[..eq], variable[(eq + 1)..]);
            if (!retain || !env.TryGetValue(name, out _))
            {
                env.Set(name, value);
            }
        }

        return env.ToList();
    }

    private static List<string> Unset(IReadOnlyList<string> environment, IReadOnlyList<string> names)
    {
        var env = new EnvironmentBuilder();
        env.AppendEntries(environment);
        foreach (var name in names)
        {
            env.Remove(name);
        }

        return env.ToList();
    }
}
