using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Loading;
using UpstartHost.Engine;
using UpstartHost.State;

namespace UpstartHost.Configuration;

/// <summary>
/// The job classes the daemon runs: loads the job directories, keeps the diagnostics of bad files for
/// queries, computes what a reload adds/changes/removes, and hands the engine the catalog with admin
/// state applied (<see cref="AdminMask"/>). One reload at a time.
/// </summary>
public sealed partial class JobConfiguration : IDisposable
{
    private readonly IReadOnlyList<string> directories;
    private readonly IEngineControl engine;
    private readonly AdminStateStore adminState;
    private readonly ILogger logger;
    private readonly Func<IReadOnlyList<string>, JobCatalog> load;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SemaphoreSlim previewGate = new(1, 1);
    private Snapshot current = new(new JobCatalog(ImmutableDictionary<string, Upstart.JobFiles.Model.JobClassConfig>.Empty, []), ImmutableDictionary<string, string>.Empty);

    public JobConfiguration(
        IReadOnlyList<string> directories,
        IEngineControl engine,
        AdminStateStore adminState,
        ILogger<JobConfiguration> logger,
        Func<IReadOnlyList<string>, JobCatalog>? load = null)
    {
        this.directories = directories;
        this.engine = engine;
        this.adminState = adminState;
        this.logger = logger;
        this.load = load ?? JobDirectoryLoader.Load;
    }

    public IReadOnlyList<string> Directories => directories;

    /// <summary>The catalog as loaded from disk (unmasked: what show-config and status report).</summary>
    public JobCatalog Catalog => Volatile.Read(ref current).Catalog;

    public ImmutableArray<Diagnostic> Diagnostics => Catalog.Diagnostics;

    /// <summary>Re-reads the directories; unless <paramref name="dryRun"/>, the engine gets the new catalog.</summary>
    public async Task<(CatalogDiff Diff, JobCatalog Catalog)> ReloadAsync(bool dryRun, CancellationToken cancellationToken = default)
    {
        if (dryRun)
        {
            return await PreviewAsync(cancellationToken).ConfigureAwait(false);
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = Volatile.Read(ref current);
            var catalog = load(directories);
            var prints = catalog.Fingerprints;
            var diff = CatalogDiff.Between(before.Catalog, catalog, before.Prints, prints);
            catalog = KeepUnchanged(before.Catalog, catalog, diff);
            var admin = adminState.Current;
            await engine.ApplyCatalogAsync(AdminMask.Apply(catalog, admin), admin.Disabled, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref current, new Snapshot(catalog, prints));
            LogReloaded(logger, catalog.Jobs.Count, diff.Added.Length, diff.Changed.Length, diff.Removed.Length);
            foreach (var d in catalog.Diagnostics.Where(d => !before.Catalog.Diagnostics.Contains(d)))
            {
                LogDiagnostic(logger, d.ToString());
            }

            return (diff, catalog);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// A dry run (anyone may ask for one) reads and hashes every job file without the gate that reloads,
    /// enables and disables take, and compares with the current snapshot, which is immutable: a slow
    /// preview of a big tree never holds up an administrator (issue 12, item 11: with 3,000 jobs a user's
    /// previews made root's stop take 8-15 s). Previews run one at a time among themselves, on the thread
    /// pool, so many of them cannot pile up work or block a connection's read loop.
    /// </summary>
    private async Task<(CatalogDiff Diff, JobCatalog Catalog)> PreviewAsync(CancellationToken cancellationToken)
    {
        await previewGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(
                () =>
                {
                    var before = Volatile.Read(ref current);
                    var catalog = load(directories);
                    var diff = CatalogDiff.Between(before.Catalog, catalog, before.Prints, catalog.Fingerprints);
                    return (diff, KeepUnchanged(before.Catalog, catalog, diff));
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            previewGate.Release();
        }
    }

    /// <summary>Hands the engine the current catalog again after admin state changed (a job disabled or enabled).</summary>
    public async Task ReapplyAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var admin = adminState.Current;
            await engine.ApplyCatalogAsync(AdminMask.Apply(Catalog, admin), admin.Disabled, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        gate.Dispose();
        previewGate.Dispose();
    }

    /// <summary>
    /// A job whose files did not change keeps the definition object it had, so the engine sees no change:
    /// a running instance is not reported as running an old definition, and a partly matched `start on`
    /// is not reset by a reload that did not touch the job (Upstart reloads only the files inotify names).
    /// </summary>
    private static JobCatalog KeepUnchanged(JobCatalog before, JobCatalog after, CatalogDiff diff)
    {
        var changed = diff.Changed.ToHashSet(StringComparer.Ordinal);
        var jobs = after.Jobs.ToImmutableDictionary(
            kv => kv.Key,
            kv => !changed.Contains(kv.Key) && before.Jobs.TryGetValue(kv.Key, out var kept) && kept.SourcePath == kv.Value.SourcePath ? kept : kv.Value,
            after.Jobs.KeyComparer);
        return after with { Jobs = jobs };
    }

    private sealed record Snapshot(JobCatalog Catalog, ImmutableDictionary<string, string> Prints);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} jobs ({Added} added, {Changed} changed, {Removed} removed)")]
    private static partial void LogReloaded(ILogger logger, int count, int added, int changed, int removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Diagnostic}")]
    private static partial void LogDiagnostic(ILogger logger, string diagnostic);
}
