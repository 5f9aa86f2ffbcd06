using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using UpstartPS.Connection;

namespace UpstartPS.Completion;

/// <summary>
/// What every completer that asks the daemon shares: find the socket (-SocketPath or the default), take
/// the candidate names, keep those that start with the typed word, quote them for the prompt, and never
/// throw — a completer runs on the prompt, where an exception is a red wall instead of a Tab press.
/// </summary>
public abstract class DaemonNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var socket = SocketLocation.Resolve(fakeBoundParameters?["SocketPath"] as string);
            return CompletionSource.Complete(Candidates(socket, fakeBoundParameters), wordToComplete)
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

    /// <summary>The names to offer for the daemon at <paramref name="socket"/>, before matching the typed word.</summary>
    protected abstract IEnumerable<string> Candidates(string socket, IDictionary? fakeBoundParameters);
}
