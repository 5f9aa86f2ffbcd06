using System.Collections;
using System.Management.Automation;
using UpstartPS.Matching;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Completion;

/// <summary>
/// Completes -Instance with the instances the daemon runs, of the jobs -Name already selects (all jobs
/// when -Name is not typed yet). Without it PowerShell falls back to completing file names.
/// </summary>
public sealed class InstanceCompleter : DaemonNameCompleter
{
    protected override IEnumerable<string> Candidates(string socket, IDictionary? fakeBoundParameters) =>
        RunningInstances(socket, fakeBoundParameters?["Name"]);

    /// <summary>The running instances of the jobs <paramref name="boundJobNames"/> (a name, names or patterns) selects; of every job when null.</summary>
    internal static IEnumerable<string> RunningInstances(string socket, object? boundJobNames)
    {
        var jobs = CompletionSource.For("instance:" + socket, ct => FetchAsync(socket, ct)).Names();
        var names = NamesOf(boundJobNames).Select(NamePattern.Parse).ToList();
        return jobs.Select(Split)
            .Where(j => names.Count == 0 || names.Any(n => n.IsMatch(j.Job)))
            .Select(j => j.Instance);
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
