using System.Collections;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Completion;

/// <summary>Completes job names from the daemon named by -SocketPath (or the default one); fast, cached, never throws.</summary>
public sealed class JobNameCompleter : DaemonNameCompleter
{
    protected override IEnumerable<string> Candidates(string socket, IDictionary? fakeBoundParameters) =>
        CompletionSource.For("job:" + socket, ct => FetchAsync(socket, ct)).Names();

    internal static async Task<IReadOnlyList<string>> FetchAsync(string socket, CancellationToken cancellationToken)
    {
        await using var client = await UpstartClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        var jobs = await client.ListAsync(cancellationToken).ConfigureAwait(false);
        return jobs.Select(j => j.Name).Distinct(StringComparer.Ordinal).ToList();
    }
}
