using System.Collections;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Completion;

/// <summary>
/// Completes event names: the well-known ones, every event a job declares with `emits`, and every event
/// a job waits for in `start on` / `stop on`, asked of the daemon within the completer's short time
/// budget; never throws.
/// </summary>
public sealed class EventNameCompleter : DaemonNameCompleter
{
    protected override IEnumerable<string> Candidates(string socket, IDictionary? fakeBoundParameters) =>
        KnownEvents.Names.Concat(CompletionSource.For("event:" + socket, ct => FetchAsync(socket, ct)).Names());

    internal static async Task<IReadOnlyList<string>> FetchAsync(string socket, CancellationToken cancellationToken)
    {
        await using var client = await UpstartClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        var jobs = await client.ListAsync(cancellationToken).ConfigureAwait(false);
        var configs = await Task.WhenAll(jobs.Select(j => j.Name).Distinct(StringComparer.Ordinal)
            .Select(name => client.ShowConfigAsync(name, cancellationToken))).ConfigureAwait(false);
        return configs.SelectMany(c => c.Emits.Concat(ConditionEvents.NamesIn(c.StartOn)).Concat(ConditionEvents.NamesIn(c.StopOn)))
            .Distinct(StringComparer.Ordinal).ToList();
    }
}
