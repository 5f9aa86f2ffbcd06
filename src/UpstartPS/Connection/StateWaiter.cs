using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Connection;

/// <summary>
/// Waits until a job instance is in a given state, by asking the daemon a few times a second (a
/// poll, not the event stream: it cannot miss a state that was reached before the wait began).
/// "waiting" is also reached when the instance is gone, which is how Upstart ends an instance.
/// </summary>
public static class StateWaiter
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<JobInfo> WaitForStateAsync(
        Func<CancellationToken, Task<IReadOnlyList<JobInfo>>> list,
        string job,
        string instance,
        string state,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        while (true)
        {
            var jobs = await list(cancellationToken).ConfigureAwait(false);
            var named = jobs.Where(j => j.Name == job).ToList();
            if (named.Count == 0)
            {
                throw new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {job}");
            }

            var current = named.FirstOrDefault(j => j.Instance == instance);
            if (current is not null && string.Equals(current.State, state, StringComparison.OrdinalIgnoreCase))
            {
                return current;
            }

            if (current is null && string.Equals(state, "waiting", StringComparison.OrdinalIgnoreCase))
            {
                return named.FirstOrDefault(j => !j.HasInstance) ?? new JobInfo { Name = job, Instance = instance };
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
