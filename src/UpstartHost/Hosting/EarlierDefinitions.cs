using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Configuration;
using UpstartHost.Engine;
using UpstartHost.State;

namespace UpstartHost.Hosting;

/// <summary>
/// At restore, the definitions recorded instances ran under where their job files have changed since
/// (docs/daemon.md, "Restarting the daemon"): parsed from the <see cref="DefinitionStore"/> as the loader
/// parses the files, with the admin mask applied as <see cref="JobConfiguration"/> applies it, so that the
/// engine resumes them as a reload would have left them. Off the engine thread.
/// </summary>
internal static partial class EarlierDefinitions
{
    /// <summary>Per job, the definition its recorded instances run under, where it is not the loaded one and could be read back.</summary>
    public static IReadOnlyDictionary<string, EarlierDefinition> Find(
        IReadOnlyList<InstanceRecord> records, JobCatalog loaded, AdminState adminState, DefinitionStore store, ILogger logger)
    {
        var found = new Dictionary<string, EarlierDefinition>(StringComparer.Ordinal);
        var tried = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.Fingerprint is not { } print || !tried.Add(record.Job)
                || print == loaded.Fingerprints.GetValueOrDefault(record.Job))
            {
                continue;
            }

            if (Read(record.Job, print, store) is { } config)
            {
                var masked = AdminMask.Apply(new JobCatalog(ImmutableDictionary<string, JobClassConfig>.Empty.Add(record.Job, config), []), adminState);
                found[record.Job] = new EarlierDefinition(masked.Jobs[record.Job], print);
                LogEarlier(logger, record.Job);
            }
            else
            {
                // The name comes from a file, not from the loader: made printable before it is logged.
                LogNotKept(logger, JobName.Sanitize(record.Job));
            }
        }

        return found;
    }

    /// <summary>
    /// The stored definition, if it is one of <paramref name="job"/>'s files (the record's job name is checked
    /// like any name read from disk, and must be the one its stored path gives) and it parses.
    /// </summary>
    private static JobClassConfig? Read(string job, string print, DefinitionStore store)
    {
        if (JobName.Validate(job) is not null || store.TryLoad(print) is not { } stored
            || !stored.ConfPath.EndsWith("/" + job + ".conf", StringComparison.Ordinal))
        {
            return null;
        }

        var config = JobDirectoryLoader.ParseStored(job, stored.ConfPath, stored.Conf, stored.OverridePath, stored.Override, new List<Diagnostic>());
        return config?.Name == job ? config : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: its job file changed while its instances ran; they resume under the definition they started with, and the new one takes effect once they stop")]
    private static partial void LogEarlier(ILogger logger, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job}: its job file changed while its instances ran, and the definition its instances started with was not kept (or cannot be read back): they resume under the new one")]
    private static partial void LogNotKept(ILogger logger, string job);
}
