using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>The engine's inbox, recorded: tests await the notice they expect instead of sleeping.</summary>
public sealed class NoticeRecorder : IProcessNoticeSink
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<ProcessNotice> notices = [];
    private readonly Lock gate = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Post(ProcessNotice notice)
    {
        TaskCompletionSource previous;
        lock (gate)
        {
            notices.Add(notice);
            previous = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    public IReadOnlyList<ProcessNotice> About(int pid)
    {
        lock (gate)
        {
            return notices.Where(n => n.Pid == pid).ToList();
        }
    }

    /// <summary>The first notice of type <typeparamref name="T"/> about <paramref name="pid"/>, waited for up to <see cref="Timeout"/>.</summary>
    public Task<T> WaitFor<T>(int pid, TimeSpan? timeout = null)
        where T : ProcessNotice => WaitFor<T>(pid, _ => true, timeout);

    /// <summary>How the spawn of <paramref name="pid"/> ended: ProcessSpawned or ProcessSpawnFailed.</summary>
    public Task<ProcessNotice> WaitForOutcome(int pid, TimeSpan? timeout = null) =>
        WaitFor<ProcessNotice>(pid, n => n is ProcessSpawned or ProcessSpawnFailed, timeout);

    private async Task<T> WaitFor<T>(int pid, Func<T, bool> match, TimeSpan? timeout)
        where T : ProcessNotice
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (notices.OfType<T>().FirstOrDefault(n => n.Pid == pid && match(n)) is { } found)
                {
                    return found;
                }

                next = changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no {typeof(T).Name} for pid {pid} within the time limit; got: {string.Join(", ", About(pid))}");
            }

            await Task.WhenAny(next, Task.Delay(left));
        }
    }
}
