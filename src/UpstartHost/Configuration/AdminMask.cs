using System.Collections.Immutable;
using Upstart.JobFiles.Loading;
using UpstartHost.State;

namespace UpstartHost.Configuration;

/// <summary>
/// How persisted admin state reaches the engine without the engine knowing about it: a disabled job is
/// handed to the engine with its `start on` removed, so no event can start it (docs/beyond-upstart.md).
/// `stop on` is untouched; start requests are refused before they reach the engine (DaemonControl).
/// </summary>
public static class AdminMask
{
    public static JobCatalog Apply(JobCatalog catalog, AdminState state)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(state);
        var builder = catalog.Jobs.ToBuilder();
        foreach (var (name, job) in catalog.Jobs)
        {
            if (job.StartOn is not null && state.SuppressesEvents(name))
            {
                builder[name] = job with { StartOn = null };
            }
        }

        return catalog with { Jobs = builder.ToImmutable() };
    }
}
