using System.Globalization;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// The events a job emits about itself (UPSTART.md §c.3) and the two beyond Upstart (docs/engine.md).
/// Pure: environments are built from the arguments only.
/// </summary>
public static class JobEvents
{
    public const string Starting = "starting";
    public const string Started = "started";
    public const string Stopping = "stopping";
    public const string Stopped = "stopped";

    /// <summary>Beyond Upstart: every process of a job that ended (DESIGN.md "an event for every process exit").</summary>
    public const string ProcessExited = "process-exited";

    /// <summary>Beyond Upstart: the respawn limit stopped a flapping job.</summary>
    public const string RespawnLimitReached = "respawn-limit-reached";

    /// <summary>Beyond Upstart: a pre-restart check failed, so a restart or reload was not done.</summary>
    public const string RestartRefused = "restart-refused";

    /// <summary>Beyond Upstart: a respawn waits for its back-off (`respawn delay`).</summary>
    public const string Respawning = "respawning";

    /// <summary>Upstart appends this to a failed event's name and emits it once.</summary>
    public const string FailedSuffix = "/failed";

    public static bool IsJobEvent(string name) => name is Starting or Started or Stopping or Stopped;

    /// <summary>
    /// JOB, INSTANCE, for stopping/stopped RESULT and the failure, then the exported variables taken from
    /// the job environment without replacing anything already set.
    /// </summary>
    public static List<string> Environment(
        string eventName,
        JobClassConfig config,
        string instance,
        IReadOnlyDictionary<string, string> jobEnvironment,
        JobFailure? failure)
    {
        var env = new List<string>(6) { "JOB=" + config.Name, "INSTANCE=" + instance };
        if (eventName is Stopping or Stopped)
        {
            if (failure is null)
            {
                env.Add("RESULT=ok");
            }
            else
            {
                env.Add("RESULT=failed");
                failure.AppendTo(env);
            }
        }

        if (config.Export.IsDefaultOrEmpty)
        {
            return env;
        }

        var builder = new EnvironmentBuilder();
        foreach (var e in env)
        {
            builder.SetEntry(e);
        }

        foreach (var name in config.Export)
        {
            if (jobEnvironment.TryGetValue(name, out var value))
            {
                builder.Add(name, value);
            }
        }

        return builder.ToList();
    }

    /// <summary>
    /// `process-exited JOB= INSTANCE= PROCESS= PID= EXIT_STATUS=N` or `EXIT_SIGNAL=NAME`, then `EXPECTED=yes|no`;
    /// none of the three when <paramref name="status"/> is null (unknown: a process that ended while no daemon was
    /// its parent, so whether it failed is unknown too).
    /// </summary>
    public static List<string> ProcessExitedEnvironment(string job, string instance, ProcessKind kind, int pid, int? status, bool? expected = null)
    {
        var env = new List<string>(6)
        {
            "JOB=" + job,
            "INSTANCE=" + instance,
            "PROCESS=" + kind.ToUpstartName(),
            "PID=" + pid.ToString(CultureInfo.InvariantCulture),
        };
        if (status is { } known)
        {
            env.Add((known & ~0xff) != 0
                ? "EXIT_SIGNAL=" + SignalNames.ToShortName(known >> 8)
                : "EXIT_STATUS=" + known.ToString(CultureInfo.InvariantCulture));
        }

        if (expected is { } yes)
        {
            env.Add(yes ? "EXPECTED=yes" : "EXPECTED=no");
        }

        return env;
    }

    /// <summary>`respawning JOB= INSTANCE= DELAY=` (seconds, as `respawn delay` writes them: `2`, `0.5`).</summary>
    public static List<string> RespawningEnvironment(string job, string instance, TimeSpan delay) =>
    [
        "JOB=" + job,
        "INSTANCE=" + instance,
        "DELAY=" + Seconds.Format(delay),
    ];

    /// <summary>`respawn-limit-reached JOB= INSTANCE= COUNT= INTERVAL=`.</summary>
    public static List<string> RespawnLimitEnvironment(string job, string instance, RespawnLimit limit) =>
    [
        "JOB=" + job,
        "INSTANCE=" + instance,
        "COUNT=" + limit.Count.ToString(CultureInfo.InvariantCulture),
        "INTERVAL=" + limit.IntervalSeconds.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>
    /// `restart-refused JOB= INSTANCE= REQUEST=restart|reload RESULT=failed|timeout|unrunnable`, then
    /// EXIT_STATUS=N or EXIT_SIGNAL=NAME when the check ran.
    /// </summary>
    public static List<string> RestartRefusedEnvironment(CheckedRequest request, CheckFailure failure)
    {
        var env = new List<string>(5)
        {
            "JOB=" + failure.Job,
            "INSTANCE=" + failure.Instance,
            "REQUEST=" + (request == CheckedRequest.Reload ? "reload" : "restart"),
            "RESULT=" + failure.Result,
        };
        if (failure.Status is { } status)
        {
            env.Add(failure.Signaled
                ? "EXIT_SIGNAL=" + SignalNames.ToShortName(status >> 8)
                : "EXIT_STATUS=" + status.ToString(CultureInfo.InvariantCulture));
        }

        return env;
    }
}
