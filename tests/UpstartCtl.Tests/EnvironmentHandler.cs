using System.Collections.Concurrent;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

namespace UpstartCtl.Tests;

/// <summary>
/// A daemon that knows only the environment requests: each is recorded as a line saying which table it was
/// about (`global`, or `JOB (INSTANCE)`) and what it carried; list-env and get-env answer from
/// <see cref="Variables"/>, and <see cref="Refusal"/>, when set, is every environment request's answer.
/// </summary>
internal sealed class EnvironmentHandler : IControlHandler
{
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The entries list-env answers, in this (unsorted) order; get-env looks names up in them.</summary>
    public List<string> Variables { get; } = [];

    public UpstartException? Refusal { get; set; }

    /// <summary>notify-disk-writeable's answer: the bytes of job output the daemon still keeps.</summary>
    public long KeptBytes { get; set; }

    public Task<long> NotifyDiskWriteableAsync(ClientIdentity client, CancellationToken cancellationToken)
    {
        Calls.Enqueue("notify-disk-writeable");
        return Task.FromResult(KeptBytes);
    }

    public Task<IReadOnlyList<string>> ListEnvironmentAsync(ClientIdentity client, string? job, string? instance, CancellationToken cancellationToken) =>
        Answer<IReadOnlyList<string>>($"list-env {Scope(job, instance)}", [.. Variables]);

    public Task<string> GetEnvironmentAsync(ClientIdentity client, string? job, string? instance, string name, CancellationToken cancellationToken)
    {
        var prefix = name + "=";
        return Variables.FirstOrDefault(v => v.StartsWith(prefix, StringComparison.Ordinal)) is { } entry
            ? Answer($"get-env {Scope(job, instance)} {name}", entry[prefix.Length..])
            : Answer<string>($"get-env {Scope(job, instance)} {name}", new UpstartException(UpstartErrorCode.UnknownVariable, "No such variable: " + name));
    }

    public Task SetEnvironmentAsync(ClientIdentity client, string? job, string? instance, IReadOnlyList<string> variables, bool retain, CancellationToken cancellationToken) =>
        Answer($"set-env {Scope(job, instance)}{(retain ? " retain" : "")} {string.Join(' ', variables)}", true);

    public Task UnsetEnvironmentAsync(ClientIdentity client, string? job, string? instance, IReadOnlyList<string> names, CancellationToken cancellationToken) =>
        Answer($"unset-env {Scope(job, instance)} {string.Join(' ', names)}", true);

    public Task ResetEnvironmentAsync(ClientIdentity client, string? job, string? instance, CancellationToken cancellationToken) =>
        Answer($"reset-env {Scope(job, instance)}", true);

    public Task<string> GetVersionAsync(ClientIdentity client, CancellationToken cancellationToken) => Task.FromResult("init (upstart 1.13.2)");

    public Task<IReadOnlyList<JobInfo>> ListAsync(ClientIdentity client, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<JobInfo>> StatusAsync(ClientIdentity client, string namePattern, string? instance, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<JobInfo> StartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<JobInfo> StopAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<JobInfo> RestartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<JobInfo> ReloadAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task EmitAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ConfigurationChange> ReloadConfigurationAsync(ClientIdentity client, bool dryRun, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(ClientIdentity client, IReadOnlyList<string> ignoredEvents, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<JobConfigInfo> ShowConfigAsync(ClientIdentity client, string job, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(ClientIdentity client, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<JobInfo>> SetEnabledAsync(ClientIdentity client, string job, bool enabled, bool stopNow, bool wait, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<string> LogPriorityAsync(ClientIdentity client, string? priority, CancellationToken cancellationToken) => throw new NotSupportedException();

    public IAsyncEnumerable<LogLineInfo> ReadLogAsync(ClientIdentity client, string job, string? instance, int tail, bool follow, CancellationToken cancellationToken) => throw new NotSupportedException();

    public IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, CancellationToken cancellationToken) => throw new NotSupportedException();

    private static string Scope(string? job, string? instance) => job is null ? $"global{(instance is null ? "" : " instance " + instance)}" : $"{job} ({instance})";

    private Task<T> Answer<T>(string call, T result)
    {
        Calls.Enqueue(call);
        return Refusal is { } refusal ? Task.FromException<T>(refusal) : Task.FromResult(result);
    }

    private Task<T> Answer<T>(string call, UpstartException failure)
    {
        Calls.Enqueue(call);
        return Task.FromException<T>(Refusal ?? failure);
    }
}
