using System.Runtime.CompilerServices;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Wire;

using static UpstartPS.Protocol.Client.Answers;

namespace UpstartPS.Protocol.Client;

/// <summary>The control operations, one method each: what each sends and which part of the answer it returns.</summary>
public sealed partial class UpstartClient
{
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default) =>
        Require((await CallAsync(new RequestFrame { Op = Operations.Version }, cancellationToken).ConfigureAwait(false)).Text);

    public async Task<IReadOnlyList<JobInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        Require((await CallAsync(new RequestFrame { Op = Operations.List }, cancellationToken).ConfigureAwait(false)).Jobs);

    /// <summary>Instances of jobs whose name matches <paramref name="namePattern"/> (wildcards * ? [..]); instance null = all.</summary>
    public async Task<IReadOnlyList<JobInfo>> StatusAsync(string namePattern, string? instance = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(namePattern);
        var request = new RequestFrame { Op = Operations.Status, Job = namePattern, Instance = instance };
        return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Jobs);
    }

    public Task<JobInfo> StartAsync(string job, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        JobCommandAsync(Operations.Start, job, environment, wait, cancellationToken);

    public Task<JobInfo> StopAsync(string job, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        JobCommandAsync(Operations.Stop, job, environment, wait, cancellationToken);

    public Task<JobInfo> RestartAsync(string job, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        JobCommandAsync(Operations.Restart, job, environment, wait, cancellationToken);

    public Task<JobInfo> ReloadAsync(string job, IReadOnlyList<string>? environment = null, CancellationToken cancellationToken = default) =>
        JobCommandAsync(Operations.Reload, job, environment, wait: null, cancellationToken);

    public async Task EmitAsync(string eventName, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var request = new RequestFrame { Op = Operations.Emit, Event = eventName, Env = environment ?? [], Wait = wait };
        try
        {
            await CallAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (UpstartException e) when (e.Code == UpstartErrorCode.ReExecuted)
        {
            await AwaitAfterReExecAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// re-exec: the daemon replaces its program in place and keeps every job. Returns once the old program
    /// has let go of this connection (the exec closes it); connect again to reach the new one
    /// (<see cref="WaitUntilAnsweringAsync"/>).
    /// </summary>
    public async Task ReExecAsync(CancellationToken cancellationToken = default)
    {
        await CallAsync(new RequestFrame { Op = Operations.ReExec }, cancellationToken).ConfigureAwait(false);
        await _readLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Re-reads the job directories; with dryRun, only reports what would change.</summary>
    public async Task<ConfigurationChange> ReloadConfigurationAsync(bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var request = new RequestFrame { Op = Operations.ReloadConfiguration, DryRun = dryRun };
        return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Change);
    }

    public Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(IReadOnlyList<string>? ignoredEvents = null, CancellationToken cancellationToken = default) =>
        CheckConfigAsync(ignoredEvents, warnAll: false, cancellationToken);

    /// <summary>check-config; <paramref name="warnAll"/> is initctl's `-w`.</summary>
    public async Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(IReadOnlyList<string>? ignoredEvents, bool warnAll, CancellationToken cancellationToken = default)
    {
        var request = new RequestFrame { Op = Operations.CheckConfig, IgnoredEvents = ignoredEvents ?? [], WarnAll = warnAll ? true : null };
        return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Problems);
    }

    public async Task<JobConfigInfo> ShowConfigAsync(string job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = Operations.ShowConfig, Job = job };
        return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Config);
    }

    /// <summary>Diagnostics of job files the daemon could not load.</summary>
    public async Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(CancellationToken cancellationToken = default) =>
        Require((await CallAsync(new RequestFrame { Op = Operations.Diagnostics }, cancellationToken).ConfigureAwait(false)).Diagnostics);

    /// <summary>Disable (persisted: not started by events, start refused until enabled) or enable a job.</summary>
    public async Task SetEnabledAsync(string job, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await CallAsync(new RequestFrame { Op = Operations.SetEnabled, Job = job, Enabled = enabled }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Disables a job and, with <paramref name="stop"/>, stops every running instance of it (`disable --now`);
    /// with <paramref name="wait"/> returns once they have stopped. Returns the job's instances afterwards.
    /// A daemon older than this request (it ignores `stop`) disables without stopping: that is reported as
    /// <see cref="UpstartErrorCode.ProtocolMismatch"/>, never passed off as done.
    /// </summary>
    public async Task<IReadOnlyList<JobInfo>> DisableAsync(string job, bool stop, bool wait = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = Operations.SetEnabled, Job = job, Enabled = false, Stop = stop ? true : null, Wait = wait };
        var response = await CallAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Jobs ?? (stop
            ? throw new UpstartException(
                UpstartErrorCode.ProtocolMismatch,
                $"The daemon at {SocketPath} disabled {job} but is too old to stop it as well: stop it with `stop {job}`")
            : []);
    }

    /// <summary>Gets the log priority, or sets it when <paramref name="priority"/> is given; returns the priority in force.</summary>
    public async Task<string> LogPriorityAsync(string? priority = null, CancellationToken cancellationToken = default) =>
        Require((await CallAsync(new RequestFrame { Op = Operations.LogPriority, Priority = priority }, cancellationToken).ConfigureAwait(false)).Text);

    /// <summary>
    /// notify-disk-writeable: the daemon writes now the job output it kept while logs could not be written (a full
    /// disk, a log directory not mounted yet). Returns how many bytes it still keeps (their logs still fail).
    /// </summary>
    public async Task<long> NotifyDiskWriteableAsync(CancellationToken cancellationToken = default) =>
        Answers.KeptBytes((await CallAsync(new RequestFrame { Op = Operations.NotifyDiskWriteable }, cancellationToken).ConfigureAwait(false)).Text);

    /// <summary>
    /// list-env: the job environment table's VAR=VALUE entries, in the table's order (initctl sorts them). With
    /// <paramref name="job"/>, that instance's own environment (<paramref name="instance"/> null: the instance
    /// named ""); without, the global table every job starts from.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListEnvironmentAsync(string? job = null, string? instance = null, CancellationToken cancellationToken = default) =>
        Require((await CallAsync(EnvironmentRequests.List(job, instance), cancellationToken).ConfigureAwait(false)).Env);

    /// <summary>get-env: one variable's value; UnknownVariable when it is not set. Scope as for <see cref="ListEnvironmentAsync"/>.</summary>
    public async Task<string> GetEnvironmentVariableAsync(string name, string? job = null, string? instance = null, CancellationToken cancellationToken = default) =>
        Require((await CallAsync(EnvironmentRequests.Get(name, job, instance), cancellationToken).ConfigureAwait(false)).Text);

    /// <summary>
    /// set-env: sets each VAR=VALUE (a bare VAR: the empty value); with <paramref name="retain"/>, a variable already set
    /// keeps its value. Scope as for <see cref="ListEnvironmentAsync"/>; the global table changes running instances too.
    /// </summary>
    public async Task SetEnvironmentAsync(IReadOnlyList<string> variables, bool retain = false, string? job = null, string? instance = null, CancellationToken cancellationToken = default) =>
        await CallAsync(EnvironmentRequests.Set(variables, retain, job, instance), cancellationToken).ConfigureAwait(false);

    /// <summary>unset-env: removes each named variable (one that is not set is no error, as in initctl).</summary>
    public async Task UnsetEnvironmentAsync(IReadOnlyList<string> names, string? job = null, string? instance = null, CancellationToken cancellationToken = default) =>
        await CallAsync(EnvironmentRequests.Unset(names, job, instance), cancellationToken).ConfigureAwait(false);

    /// <summary>reset-env: the global table back to the daemon's defaults, or an instance's environment back to its job's.</summary>
    public async Task ResetEnvironmentAsync(string? job = null, string? instance = null, CancellationToken cancellationToken = default) =>
        await CallAsync(EnvironmentRequests.Reset(job, instance), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The last <paramref name="tail"/> lines of a job's log, then (with follow) new lines until cancelled, across
    /// the daemon's re-exec too (nothing lost or repeated; see <see cref="HandoverTimeout"/>).
    /// </summary>
    public async IAsyncEnumerable<LogLineInfo> ReadLogAsync(
        string job,
        string? instance = null,
        int tail = 10,
        bool follow = false,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = Operations.Log, Job = job, Instance = instance, Tail = tail, Follow = follow };
        await foreach (var frame in ResumableStreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (frame.Line is { } line)
            {
                yield return line;
            }
        }
    }

    /// <summary>
    /// Events and state changes as they happen, until cancelled; with history, recent events first. Carries on
    /// across the daemon's re-exec with what its new program did meanwhile, or fails with ResumeFailed when
    /// that program has not kept it all.
    /// </summary>
    public async IAsyncEnumerable<EventInfo> WatchAsync(bool includeHistory = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new RequestFrame { Op = Operations.Watch, History = includeHistory };
        await foreach (var frame in ResumableStreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (frame.Event is { } item)
            {
                yield return item;
            }
        }
    }

    private async Task<JobInfo> JobCommandAsync(string op, string job, IReadOnlyList<string>? environment, bool? wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = op, Job = job, Env = environment ?? [], Wait = wait };
        try
        {
            return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Job);
        }
        catch (UpstartException e) when (e.Code == UpstartErrorCode.ReExecuted)
        {
            return Require((await AwaitAfterReExecAsync(request, cancellationToken).ConfigureAwait(false)).Job);
        }
    }

    /// <summary>
    /// The daemon re-executed under a waiting start/stop/restart or emit (done, not yet where it waits for): the next
    /// program waits for the rest, on a connection of its own (this one closes with the exec), again after another re-exec.
    /// </summary>
    private async Task<ResponseFrame> AwaitAfterReExecAsync(RequestFrame cut, CancellationToken cancellationToken)
    {
        var request = new RequestFrame { Op = Operations.Await, Resume = cut.Op, Job = cut.Job, Event = cut.Event, Env = cut.Env };
        while (true)
        {
            var next = await ConnectWhenAnsweringAsync(_options, HandoverTimeout, cancellationToken).ConfigureAwait(false);
            await using (next.ConfigureAwait(false))
            {
                try
                {
                    return await next.CallAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (UpstartException e) when (e.Code == UpstartErrorCode.ReExecuted)
                {
                    // Another re-exec under the wait: the program after it takes over.
                }
            }
        }
    }
}
