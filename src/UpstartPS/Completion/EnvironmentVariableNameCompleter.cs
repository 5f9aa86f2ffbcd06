using System.Collections;
using System.Management.Automation;
using UpstartPS.Matching;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Completion;

/// <summary>
/// Completes variable names from the table the command is about: the global job environment, or the environment
/// of the instance -Job and -Instance name. Fast, cached per table, never throws.
/// </summary>
public sealed class EnvironmentVariableNameCompleter : DaemonNameCompleter
{
    protected override IEnumerable<string> Candidates(string socket, IDictionary? fakeBoundParameters)
    {
        var job = Text(fakeBoundParameters?["Job"]);
        var instance = job is null ? null : Text(fakeBoundParameters?["Instance"]) ?? "";
        return CompletionSource.For($"env:{socket}\0{job}\0{instance}", ct => FetchAsync(socket, job, instance, ct)).Names();
    }

    internal static async Task<IReadOnlyList<string>> FetchAsync(string socket, string? job, string? instance, CancellationToken cancellationToken)
    {
        await using var client = await UpstartClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        var entries = await client.ListEnvironmentAsync(job, instance, cancellationToken).ConfigureAwait(false);
        return entries.Select(e => VariableSelection.Split(e).Name).ToList();
    }

    private static string? Text(object? bound) => (bound is PSObject o ? o.BaseObject : bound) is string { Length: > 0 } s ? s : null;
}
