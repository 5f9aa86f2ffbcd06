using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Upstart.JobFiles.Loading;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// A daemon without an engine: canned answers, every call recorded, and a few jobs with special behaviour:
/// "missing" is unknown, "slow" waits until cancelled, "crash" throws a non-Upstart exception.
/// </summary>
internal sealed class FakeControlHandler : IControlHandler
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public List<JobInfo> Jobs { get; } = [Job("ssh", goal: "start", state: "running", pid: 1141), Job("cron"), Job("tty", instance: "tty1")];

    /// <summary>Completes when a "slow" request has reached the handler.</summary>
    public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a "slow" request has been cancelled by the server.</summary>
    public TaskCompletionSource SlowCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a follow has sent its tail and waits for new lines.</summary>
    public TaskCompletionSource FollowWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a log stream has been closed by the server, however it ended.</summary>
    public TaskCompletionSource LogStreamClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a follow or watch stream has ended because it was cancelled.</summary>
    public TaskCompletionSource StreamCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lines written here reach followers of any job's log.</summary>
    public Channel<string> FollowedLines { get; } = Channel.CreateUnbounded<string>();

    public Channel<EventInfo> LiveEvents { get; } = Channel.CreateUnbounded<EventInfo>();

    public string LogPriority { get; private set; } = "message";

    /// <summary>Completes when a "stuck" request has reached the handler, which then blocks its thread until <see cref="Unstick"/>.</summary>
    public TaskCompletionSource StuckStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManualResetEventSlim Unstick { get; } = new();

    /// <summary>
    /// For every request the handler took and every log line it produced: whether that code ran on a pool
    /// worker (true) or on a thread nothing else may wait behind, such as the runtime's socket thread (false).
    /// </summary>
    public ConcurrentQueue<(string Call, bool OnPool)> Threads { get; } = new();

    public ClientIdentity? LastClient { get; private set; }

    /// <summary>Drops what was recorded so far (<see cref="Calls"/>, <see cref="Threads"/>): a long run keeps only what it reads.</summary>
    public void ForgetRecorded()
    {
        Calls.Clear();
        Threads.Clear();
    }

    public static JobInfo Job(string name, string goal = "stop", string state = "waiting", int pid = 0, string instance = "") => new()
    {
        Name = name,
        Instance = instance,
        Goal = goal,
        State = state,
        HasInstance = goal != "stop" || instance.Length > 0,
        Processes = pid > 0 ? [new ProcessInfo("main", pid)] : [],
        Description = name + " service",
    };

    public Task<string> GetVersionAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        Record(client, "version", "init (upstart 1.13.2)");

    public Task<IReadOnlyList<JobInfo>> ListAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        Record<IReadOnlyList<JobInfo>>(client, "list", Jobs);

    public Task<IReadOnlyList<JobInfo>> StatusAsync(ClientIdentity client, string namePattern, string? instance, CancellationToken cancellationToken) =>
        Record<IReadOnlyList<JobInfo>>(client, $"status {namePattern} {instance}", Find(namePattern, instance));

    /// <summary>When true, status and list are answered at once, as the daemon answers them from the engine's published status.</summary>
    public bool AnswersNow { get; set; }

    public IReadOnlyList<JobInfo>? TryListNow(ClientIdentity client) =>
        AnswersNow ? Record<IReadOnlyList<JobInfo>>(client, "list-now", Jobs).Result : null;

    public IReadOnlyList<JobInfo>? TryStatusNow(ClientIdentity client, string namePattern, string? instance) =>
        AnswersNow ? Record<IReadOnlyList<JobInfo>>(client, $"status-now {namePattern} {instance}", Find(namePattern, instance)).Result : null;

    private List<JobInfo> Find(string namePattern, string? instance)
    {
        var pattern = new JobNamePattern(namePattern);
        var found = Jobs.Where(j => pattern.IsMatch(j.Name) && (instance is null || j.Instance == instance)).ToList();
        if (found.Count == 0 && !pattern.HasWildcards)
        {
            throw new UpstartException(UpstartErrorCode.UnknownJob, "Unknown job: " + namePattern);
        }

        return found;
    }

    public Task<JobInfo> StartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        JobCommand(client, "start", job, environment, wait, "start", "running", cancellationToken);

    public Task<JobInfo> StopAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        JobCommand(client, "stop", job, environment, wait, "stop", "waiting", cancellationToken);

    public Task<JobInfo> RestartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        JobCommand(client, "restart", job, environment, wait, "start", "running", cancellationToken);

    public Task<JobInfo> ReloadAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken) =>
        job switch
        {
            "cron" => throw new UpstartException(UpstartErrorCode.JobNotRunning, "Job is not running: cron"),
            "nginx" => throw new UpstartException(
                "Job not reloaded: nginx pre-restart check terminated with status 1",
                new CheckFailureInfo { Job = "nginx", Result = "failed", ExitStatus = 1, Output = ["unknown directive \"lisen\"", "test failed"] }),
            _ => JobCommand(client, "reload", job, environment, true, "start", "running", cancellationToken),
        };

    public async Task EmitAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken)
    {
        if (eventName == "doomed")
        {
            throw new UpstartException(UpstartErrorCode.EventFailed, "Event failed");
        }

        if (eventName.StartsWith("slow", StringComparison.Ordinal) && wait)
        {
            // Waits for its event until cancelled, as an emit whose job is slow to start (a re-exec's handover ends it).
            SlowStarted.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        await Record(client, string.Join(' ', ["emit", eventName, .. environment, $"wait={wait}"]), 0);
    }

    /// <summary>await after an emit: recorded as `await emit EVENT ENV...`; an event named *doomed is one that failed.</summary>
    public Task AwaitEventAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, CancellationToken cancellationToken)
    {
        var recorded = Record(client, string.Join(' ', ["await", "emit", eventName, .. environment]), 0);
        return eventName.EndsWith("doomed", StringComparison.Ordinal)
            ? Task.FromException(new UpstartException(UpstartErrorCode.EventFailed, "Event failed"))
            : recorded;
    }

    public Task<ConfigurationChange> ReloadConfigurationAsync(ClientIdentity client, bool dryRun, CancellationToken cancellationToken) =>
        Record(client, $"reload-configuration dryRun={dryRun}", new ConfigurationChange(
            ["new"], ["changed"], ["gone"], [new DiagnosticInfo("/etc/init/bad.conf", 3, 1, "UnknownStanza", "Unknown stanza")]));

    public Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(ClientIdentity client, IReadOnlyList<string> ignoredEvents, CancellationToken cancellationToken) =>
        Record<IReadOnlyList<CheckConfigItem>>(client, "check-config " + string.Join(',', ignoredEvents), [new CheckConfigItem("ssh", "start on", "event", "peach")]);

    public Task<JobConfigInfo> ShowConfigAsync(ClientIdentity client, string job, CancellationToken cancellationToken) =>
        Record(client, "show-config " + job, new JobConfigInfo
        {
            Name = job,
            ConfigPath = $"/etc/init/{job}.conf",
            OverridePath = $"/etc/init/{job}.override",
            StartOn = "runlevel [2345]",
            Emits = ["ssh-ready"],
            Processes = new Dictionary<string, string> { ["main"] = "exec /usr/sbin/sshd -D" },
            Provenance = new Dictionary<string, string> { ["exec"] = "conf", ["start on"] = "override" },
        });

    public Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        Record<IReadOnlyList<DiagnosticInfo>>(client, "diagnostics", [new DiagnosticInfo("/etc/init/bad.conf", 3, 1, "UnknownStanza", "Unknown stanza")]);

    public Task<IReadOnlyList<JobInfo>> SetEnabledAsync(ClientIdentity client, string job, bool enabled, bool stopNow, bool wait, CancellationToken cancellationToken) =>
        Record<IReadOnlyList<JobInfo>>(
            client,
            stopNow ? $"set-enabled {job} {enabled} stop wait={wait}" : $"set-enabled {job} {enabled}",
            // "old-daemon": answers as a daemon from before `stop` did (no jobs in the result).
            job == "old-daemon" ? null! : [new JobInfo { Name = job, Disabled = !enabled }]);

    public Task<string> LogPriorityAsync(ClientIdentity client, string? priority, CancellationToken cancellationToken)
    {
        LogPriority = priority ?? LogPriority;
        return Record(client, "log-priority " + priority, LogPriority);
    }

    /// <summary>await: recorded as `await KIND JOB ENV...`; the job as it would be once there (running, or waiting for a stop).</summary>
    public Task<JobInfo> AwaitAsync(ClientIdentity client, string kind, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken) =>
        Record(client, string.Join(' ', ["await", kind, job, .. environment]), kind == "stop" ? Job(job) : Job(job, "start", "running", 4242));

    /// <summary>What list-env answers for any scope.</summary>
    public List<string> EnvironmentTable { get; } = ["PATH=/bin", "TERM=linux"];

    public Task<IReadOnlyList<string>> ListEnvironmentAsync(ClientIdentity client, string? job, string? instance, CancellationToken cancellationToken) =>
        Record(client, $"list-env {EnvironmentScope(job, instance)}", (IReadOnlyList<string>)[.. EnvironmentTable]);

    public Task<string> GetEnvironmentAsync(ClientIdentity client, string? job, string? instance, string name, CancellationToken cancellationToken) =>
        EnvironmentTable.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal)) is { } entry
            ? Record(client, $"get-env {EnvironmentScope(job, instance)} {name}", entry[(name.Length + 1)..])
            : Task.FromException<string>(new UpstartException(UpstartErrorCode.UnknownVariable, "No such variable: " + name));

    public Task SetEnvironmentAsync(ClientIdentity client, string? job, string? instance, IReadOnlyList<string> variables, bool retain, CancellationToken cancellationToken) =>
        Record(client, $"set-env {EnvironmentScope(job, instance)} {string.Join(' ', variables)}{(retain ? " retain" : "")}", true);

    public Task UnsetEnvironmentAsync(ClientIdentity client, string? job, string? instance, IReadOnlyList<string> names, CancellationToken cancellationToken) =>
        Record(client, $"unset-env {EnvironmentScope(job, instance)} {string.Join(' ', names)}", true);

    public Task ResetEnvironmentAsync(ClientIdentity client, string? job, string? instance, CancellationToken cancellationToken) =>
        Record(client, $"reset-env {EnvironmentScope(job, instance)}", true);

    private static string EnvironmentScope(string? job, string? instance) => job is null ? "global" : $"{job}({instance})";

    /// <summary>
    /// Where follows and watches end with a resume point when it fires (a daemon's re-exec). A follow ends with
    /// `line@N` (N: the lines it sent), a watch with `events@N`; given back, each sends `resumed from …` first.
    /// A follow of the job "deaf" never looks at it.
    /// </summary>
    public StreamHandover Handover { get; } = new();

    /// <summary>What a re-exec request runs once it has been answered (the daemon: its exec); unset, the handler cannot re-exec.</summary>
    public Action? ReExec { get; set; }

    public Task<Action> PrepareReExecAsync(ClientIdentity client, CancellationToken cancellationToken)
    {
        Calls.Enqueue("re-exec");
        return ReExec is { } reExec
            ? Task.FromResult(reExec)
            : Task.FromException<Action>(new UpstartException(UpstartErrorCode.BadRequest, "This daemon cannot re-exec"));
    }

    public IAsyncEnumerable<LogLineInfo> ReadLogAsync(
        ClientIdentity client, string job, string? instance, int tail, bool follow, CancellationToken cancellationToken) =>
        ReadLogAsync(client, job, instance, tail, follow, resumeFrom: null, cancellationToken);

    public async IAsyncEnumerable<LogLineInfo> ReadLogAsync(
        ClientIdentity client, string job, string? instance, int tail, bool follow, string? resumeFrom, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in Log(client, job, instance, tail, follow, resumeFrom, cancellationToken))
            {
                yield return line;
            }
        }
        finally
        {
            LogStreamClosed.TrySetResult();
        }
    }

    private async IAsyncEnumerable<LogLineInfo> Log(
        ClientIdentity client, string job, string? instance, int tail, bool follow, string? resumeFrom, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        LastClient = client;
        Calls.Enqueue($"log {job} {instance} tail={tail} follow={follow}" + (resumeFrom is null ? "" : " resume=" + resumeFrom));
        if (resumeFrom is not null)
        {
            yield return new LogLineInfo(DateTimeOffset.UtcNow, job, instance ?? "", "resumed from " + resumeFrom);
            tail = 0;
        }

        if (job == "missing")
        {
            throw new UpstartException(UpstartErrorCode.UnknownJob, "Unknown job: missing");
        }

        for (var i = 1; i <= tail; i++)
        {
            Threads.Enqueue(("log line", Thread.CurrentThread.IsThreadPoolThread));
            yield return new LogLineInfo(DateTimeOffset.UnixEpoch.AddSeconds(i), job, instance ?? "", "line " + i);
        }

        if (!follow)
        {
            yield break;
        }

        FollowWaiting.TrySetResult();
        var handover = job == "deaf" ? CancellationToken.None : Handover.Token;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, handover);
        var sent = 0;
        while (true)
        {
            string line;
            try
            {
                line = await FollowedLines.Reader.ReadAsync(wake.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new StreamHandoverException("line@" + sent);
            }
            catch (OperationCanceledException) when (job == "quiet")
            {
                // As the daemon's JobLogTail: a follow that is cancelled ends without throwing.
                StreamCancelled.TrySetResult();
                break;
            }
            catch (OperationCanceledException)
            {
                StreamCancelled.TrySetResult();
                throw;
            }

            sent++;
            yield return new LogLineInfo(DateTimeOffset.UtcNow, job, instance ?? "", line);
        }
    }

    public IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, CancellationToken cancellationToken) =>
        WatchAsync(client, includeHistory, resumeFrom: null, cancellationToken);

    public async IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, string? resumeFrom, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        LastClient = client;
        Calls.Enqueue($"watch history={includeHistory}" + (resumeFrom is null ? "" : " resume=" + resumeFrom));
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Handover.Token);
        var sent = 0;
        if (resumeFrom is not null)
        {
            yield return new EventInfo { Name = "resumed from " + resumeFrom, Time = DateTimeOffset.UnixEpoch };
        }
        else if (includeHistory)
        {
            yield return new EventInfo { Name = "startup", Time = DateTimeOffset.UnixEpoch };
            yield return new EventInfo { Kind = "state", Name = "ssh", Job = "ssh", Goal = "start", State = "running", Time = DateTimeOffset.UnixEpoch };
        }

        while (true)
        {
            EventInfo item;
            try
            {
                item = await LiveEvents.Reader.ReadAsync(wake.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new StreamHandoverException("events@" + sent);
            }
            catch (OperationCanceledException)
            {
                StreamCancelled.TrySetResult();
                throw;
            }

            sent++;
            yield return item;
        }
    }

    private async Task<JobInfo> JobCommand(
        ClientIdentity client, string verb, string job, IReadOnlyList<string> environment, bool wait, string goal, string state, CancellationToken cancellationToken)
    {
        switch (job)
        {
            case "missing":
                throw new UpstartException(UpstartErrorCode.UnknownJob, "Unknown job: missing");
            case "crash":
                throw new InvalidOperationException("engine exploded");
            case "stuck":
                // Blocks before its first await, as a handler that writes and fsyncs does.
                Threads.Enqueue(("stuck", Thread.CurrentThread.IsThreadPoolThread));
                StuckStarted.TrySetResult();
                Unstick.Wait(TimeSpan.FromSeconds(30), CancellationToken.None);
                break;
            case "slow":
                SlowStarted.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    SlowCancelled.TrySetResult();
                    throw;
                }

                break;
        }

        if (verb == "start" && job == "ssh")
        {
            throw new UpstartException(UpstartErrorCode.AlreadyRunning, "Job is already running: ssh");
        }

        return await Record(client, string.Join(' ', [verb, job, .. environment, $"wait={wait}"]), Job(job, goal, state, goal == "start" ? 4242 : 0));
    }

    private Task<T> Record<T>(ClientIdentity client, string call, T result)
    {
        Threads.Enqueue((call, Thread.CurrentThread.IsThreadPoolThread));
        LastClient = client;
        Calls.Enqueue(call.TrimEnd());
        return Task.FromResult(result);
    }
}
