using Upstart.JobFiles.Events;
using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// Builds job environments (UPSTART.md §b.4, §a.1). Pure: everything comes from the arguments.
/// </summary>
public static class JobEnvironment
{
    /// <summary>
    /// Upstart's job_class_environment: the global table (PATH, TERM, set-env: <paramref name="globalTable"/>), then
    /// the `env` stanza in order. `env KEY` copies KEY from the daemon's own environment, or removes an earlier KEY
    /// when the daemon has none (init(5)). Start events or start-request variables are appended by the caller.
    /// </summary>
    public static EnvironmentBuilder ForClass(EngineOptions options, IReadOnlyList<string> globalTable, JobClassConfig config)
    {
        var env = new EnvironmentBuilder();
        foreach (var entry in globalTable)
        {
            env.SetEntry(entry);
        }

        foreach (var entry in config.Env)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                env.Set(entry[..eq], entry[(eq + 1)..]);
            }
            else if (options.DaemonEnvironment.TryGetValue(entry, out var value))
            {
                env.Set(entry, value);
            }
            else
            {
                env.Remove(entry);
            }
        }

        return env;
    }

    /// <summary>
    /// What one process receives: the job environment, for pre-stop and post-stop the stop environment on
    /// top, then UPSTART_JOB and UPSTART_INSTANCE (and UPSTART_SESSION in session mode).
    /// </summary>
    public static List<string> ForProcess(
        EngineOptions options,
        string job,
        string instance,
        ProcessKind kind,
        IReadOnlyList<string> jobEnvironment,
        IReadOnlyList<string>? stopEnvironment)
    {
        var env = new EnvironmentBuilder();
        foreach (var e in jobEnvironment)
        {
            env.SetEntry(e);
        }

        if (stopEnvironment is not null && kind is ProcessKind.PreStop or ProcessKind.PostStop)
        {
            foreach (var e in stopEnvironment)
            {
                env.SetEntry(e);
            }
        }

        env.Set("UPSTART_JOB", job);
        env.Set("UPSTART_INSTANCE", instance);
        if (options.SessionMode && options.SessionAddress is { } session)
        {
            env.Set("UPSTART_SESSION", session);
        }
        else if (options.NonStandardSocket is { } socket)
        {
            env.Set("UPSTARTPS_SOCKET", socket);
        }

        return env.ToList();
    }
}
