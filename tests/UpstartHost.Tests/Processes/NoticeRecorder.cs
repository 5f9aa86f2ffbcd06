using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>The engine's inbox, recorded: tests await the notice they expect instead of sleeping.</summary>
public sealed class NoticeRecorder : IProcessNoticeSink
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly AwaitableLog<ProcessNotice> notices = new();

    public void Post(ProcessNotice notice) => notices.Add(notice);

    public IReadOnlyList<ProcessNotice> About(int pid) => notices.Since(0).Where(n => n.Pid == pid).ToList();

    /// <summary>The first notice of type <typeparamref name="T"/> about <paramref name="pid"/>, waited for up to <see cref="Timeout"/>.</summary>
    public async Task<T> WaitFor<T>(int pid, TimeSpan? timeout = null)
        where T : ProcessNotice => (T)await WaitFor(pid, n => n is T, typeof(T).Name, timeout);

    /// <summary>How the spawn of <paramref name="pid"/> ended: ProcessSpawned or ProcessSpawnFailed.</summary>
    public Task<ProcessNotice> WaitForOutcome(int pid, TimeSpan? timeout = null) =>
        WaitFor(pid, n => n is ProcessSpawned or ProcessSpawnFailed, "spawn outcome", timeout);

    private Task<ProcessNotice> WaitFor(int pid, Func<ProcessNotice, bool> match, string what, TimeSpan? timeout) =>
        notices.WaitFor(
            n => n.Pid == pid && match(n),
            0,
            timeout ?? Timeout,
            _ => $"no {what} for pid {pid} within the time limit; got: {string.Join(", ", About(pid))}");
}
