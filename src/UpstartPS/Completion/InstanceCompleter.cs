using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using UpstartPS.Connection;
using UpstartPS.Matching;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Completion;

/// <summary>
/// Completes -Instance with the instances the daemon runs, of the jobs -Name already selects (all jobs
/// when -Name is not typed yet). Without it PowerShell falls back to completing file names.
/// </summary>
public sealed class InstanceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var socket = SocketLocation.Resolve(fakeBoundParameters?["SocketPath"] as string);
            var jobs = CompletionSource.For("instance:" + socket, ct => FetchAsync(socket, ct)).Names();
            var names = NamesOf(fakeBoundParameters?["Name"]);
            var instances = jobs.Select(Split)
                .Where(j => names.Count == 0 || names.Any(n => NamePattern.Parse(n).IsMatch(j.Job)))
                .Select(j => j.Instance);
            return CompletionSource.Complete(instances, wordToComplete)
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

    /// <summary>"JOB\0INSTANCE" for every running instance, so one cached list serves every -Name.</summary>
    internal static async Task<IReadOnlyList<string>> FetchAsync(string socket, CancellationToken cancellationToken)
    {
        await using var client = await UpstartClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        var jobs = await client.ListAsync(cancellationToken).ConfigureAwait(false);
        return InstancesOf(jobs);
    }

    internal static IReadOnlyList<string> InstancesOf(IEnumerable<JobInfo> jobs) =>
        jobs.Where(j => j.Instance.Length > 0).Select(j => j.Name + "\0" + j.Instance).Distinct(StringComparer.Ordinal).ToList();

    private static (string Job, string Instance) Split(string key)
    {
        var at = key.IndexOf('\0', StringComparison.Ordinal);
        return (key[..at], key[(at + 1)..]);
    }

    private static List<string> NamesOf(object? bound) => bound switch
    {
        string s => [s],
        IEnumerable e => e.Cast<object?>().Select(o => o is PSObject p ? p.BaseObject : o).OfType<string>().ToList(),
        PSObject p when p.BaseObject is string s => [s],
        _ => [],
    };
}
