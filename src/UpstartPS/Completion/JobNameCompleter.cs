using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using UpstartPS.Connection;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Completion;

/// <summary>Completes job names from the daemon named by -SocketPath (or the default one); fast, cached, never throws.</summary>
public sealed class JobNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var socket = SocketLocation.Resolve(fakeBoundParameters?["SocketPath"] as string);
            var names = CompletionSource.For("job:" + socket, ct => FetchAsync(socket, ct)).Names();
            return CompletionSource.Complete(names, wordToComplete)
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
        return jobs.Select(j => j.Name).Distinct(StringComparer.Ordinal).ToList();
    }
}
