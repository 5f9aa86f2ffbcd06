using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using UpstartPS.Connection;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Completion;

/// <summary>
/// Completes event names: the well-known ones, every event a job declares with `emits`, and every event
/// a job waits for in `start on` / `stop on`, asked of the daemon within the completer's short time
/// budget; never throws.
/// </summary>
public sealed class EventNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var socket = SocketLocation.Resolve(fakeBoundParameters?["SocketPath"] as string);
            var emitted = CompletionSource.For("event:" + socket, ct => FetchAsync(socket, ct)).Names();
            return CompletionSource.Complete(KnownEvents.Names.Concat(emitted), wordToComplete)
                .Select(n => new CompletionResult(CompletionSource.Quote(n), n, CompletionResultType.ParameterValue, n))
                .ToList();
        }
#pragma warning disable CA1031 // A completer must never throw at the prompt.
        catch (Exception)
#pragma warning restore CA1031
        {
            return [];
        }
    }

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
