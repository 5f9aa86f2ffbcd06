using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.State;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.Control;

/// <summary>Engine snapshots as the wire's <see cref="JobInfo"/>, with what only the daemon knows (disabled, changed on disk).</summary>
public static class JobInfoMapping
{
    public static JobInfo ToInfo(JobSnapshot s, JobClassConfig? onDisk, AdminState admin)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(admin);
        return new JobInfo
        {
            Name = s.Name,
            Instance = s.Instance,
            Goal = s.Goal.ToUpstartName(),
            State = s.State.ToUpstartName(),
            Processes = [.. s.Processes.Select(p => new ProcessInfo(p.Kind.ToUpstartName(), p.Pid))],
            Description = s.Description ?? onDisk?.Description,

            // The engine may hold the job with `start on` masked by admin state: report the file's.
            StartOn = onDisk?.StartOn is { } startOn ? ConditionText.Format(startOn) : s.StartOn,
            StopOn = onDisk?.StopOn is { } stopOn ? ConditionText.Format(stopOn) : s.StopOn,
            IsTask = s.IsTask,
            RespawnCount = s.RespawnCount,
            LastFailure = s.LastFailure?.ToString(),
            ConfigPath = s.ConfigPath ?? onDisk?.SourcePath,
            ConfigChanged = s.ConfigChanged,
            Disabled = admin.Disabled.Contains(s.Name),
            HasInstance = s.HasInstance,
            NextRespawn = s.NextRespawn,
            Since = s.Since,
        };
    }

    public static JobConfigInfo ToConfigInfo(JobClassConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new JobConfigInfo
        {
            Name = c.Name,
            ConfigPath = c.SourcePath,
            OverridePath = c.OverridePath,
            Description = c.Description,
            Author = c.Author,
            Version = c.Version,
            Usage = c.Usage,
            Instance = c.Instance,
            StartOn = c.StartOn is null ? null : ConditionText.Format(c.StartOn),
            StopOn = c.StopOn is null ? null : ConditionText.Format(c.StopOn),
            StartOnOperands = c.StartOn is null ? null : ConditionText.Operands(c.StartOn),
            StopOnOperands = c.StopOn is null ? null : ConditionText.Operands(c.StopOn),
            Emits = [.. c.Emits],
            Env = [.. c.Env],
            Export = [.. c.Export],
            Task = c.Task,
            Respawn = c.Respawn,
            RespawnLimit = c.RespawnLimit.IsUnlimited ? "unlimited" : $"{c.RespawnLimit.Count} {c.RespawnLimit.IntervalSeconds}",
            RespawnDelay = c.RespawnDelay?.ToString(),
            Expect = c.Expect.ToString().ToLowerInvariant(),
            Console = c.Console.ToString().ToLowerInvariant(),
            Processes = c.Processes.ToDictionary(
                kv => kv.Key.ToUpstartName(),
                kv => kv.Value.IsScript ? "script\n" + kv.Value.Command + "end script" : "exec " + kv.Value.Command),
            Provenance = Provenance.For(c),
        };
    }
}
