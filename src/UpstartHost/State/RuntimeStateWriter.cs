using Microsoft.Extensions.Logging;
using UpstartHost.Engine;

namespace UpstartHost.State;

/// <summary>
/// Writes the engine's instance snapshots to <see cref="RuntimeStateFile"/> off the engine thread. Only
/// the latest snapshot matters, so snapshots offered while a write is under way replace each other and
/// the next write takes the newest: one write per burst of transitions, however many there were.
/// </summary>
public sealed partial class RuntimeStateWriter : IDisposable
{
    private readonly string stateDir;
    private readonly ILogger logger;
    private readonly object gate = new();
    private readonly object writeLock = new();
    private readonly RuntimeStateSerializer serializer = new();
    private readonly Thread thread;
    private readonly DefinitionStore? definitions;
    private readonly Func<IReadOnlyList<string>?>? jobEnvironment;

    /// <summary>Fingerprints the store was asked for (stored, or changed since load: asking again would not help).</summary>
    private readonly HashSet<string> storeAttempted = new(StringComparer.Ordinal);

    /// <summary>How many records of the last snapshot name each fingerprint: kept up to date from what changed.</summary>
    private readonly Dictionary<string, int> referenced = new(StringComparer.Ordinal);
    private (IReadOnlyList<InstanceRecord> Instances, IReadOnlyList<EventRecord> Events)? pending;
    private long offered;
    private long written;
    private bool stopping;
    private bool failedBefore;

    /// <param name="definitions">Where the job files each instance runs under are kept (null: not kept).</param>
    /// <param name="jobEnvironment">
    /// The global job environment table to record with each snapshot, read when the snapshot is written (null from it:
    /// the defaults; the engine moves its state version when the table changes, so a change gets a write of its own).
    /// </param>
    public RuntimeStateWriter(string stateDir, ILogger logger, DefinitionStore? definitions = null, Func<IReadOnlyList<string>?>? jobEnvironment = null)
    {
        this.jobEnvironment = jobEnvironment;
        this.stateDir = stateDir;
        this.logger = logger;
        this.definitions = definitions;
        thread = new Thread(Run) { IsBackground = true, Name = "upstart state writer" };
        thread.Start();
    }

    /// <summary>Snapshots written so far (tests count them to see the batching).</summary>
    public long WriteCount { get; private set; }

    /// <summary>Instances serialised so far: only those whose record changed (tests count them).</summary>
    public long EntriesSerialized
    {
        get
        {
            lock (writeLock)
            {
                return serializer.EntriesSerialized;
            }
        }
    }

    /// <summary>Called on the engine thread: queues the snapshot (and the events not yet finished) and returns at once.</summary>
    public void Offer(IReadOnlyList<InstanceRecord> snapshot, IReadOnlyList<EventRecord>? events = null)
    {
        lock (gate)
        {
            pending = (snapshot, events ?? []);
            offered++;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Waits until every snapshot offered so far is on disk (or failed to be written).</summary>
    public void Flush()
    {
        lock (gate)
        {
            var target = offered;
            while (written < target && !stopping)
            {
                Monitor.Wait(gate);
            }
        }
    }

    /// <summary>Writes <paramref name="snapshot"/> now, on the caller's thread, after any write under way (re-exec).</summary>
    /// <remarks>
    /// Stores no definition (this runs on the engine thread): every fingerprint the snapshot names was in a
    /// snapshot offered before, since a class only changes definition when it has no instance, and the flush
    /// waits until that one's definitions are stored.
    /// </remarks>
    public void WriteNow(
        IReadOnlyList<InstanceRecord> snapshot,
        IReadOnlyList<Logging.LogChannel> logChannels,
        IReadOnlyList<Logging.KeptLogOutput>? keptOutput = null,
        WorkUnderWay? underWay = null)
    {
        Flush();
        lock (writeLock)
        {
            var bytes = serializer.Serialize(snapshot, DateTimeOffset.UtcNow, logChannels, jobEnvironment?.Invoke(), keptOutput, underWay);
            _ = CountReferences();
            RuntimeStateFile.Write(stateDir, bytes.Span);
        }
    }

    /// <summary>After a clean stop every job is gone: the next daemon starts from the boot events, not from a record.</summary>
    public void DeleteFile()
    {
        Stop();
        try
        {
            RuntimeStateFile.Delete(stateDir);
            DefinitionStore.Delete(stateDir);
        }
        catch (IOException e)
        {
            LogWriteFailed(logger, RuntimeStateFile.PathIn(stateDir), e.Message);
        }
    }

    public void Dispose() => Stop();

    private void Stop()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.PulseAll(gate);
        }

        thread.Join();
    }

    private void Run()
    {
        while (true)
        {
            (IReadOnlyList<InstanceRecord> Instances, IReadOnlyList<EventRecord> Events) snapshot;
            long target;
            lock (gate)
            {
                while (pending is null && !stopping)
                {
                    Monitor.Wait(gate);
                }

                if (pending is null)
                {
                    return;
                }

                (snapshot, pending, target) = (pending.Value, null, offered);
            }

            Write(snapshot.Instances, snapshot.Events);
            lock (gate)
            {
                written = target;
                WriteCount++;
                Monitor.PulseAll(gate);
            }
        }
    }

    private void Write(IReadOnlyList<InstanceRecord> snapshot, IReadOnlyList<EventRecord> events)
    {
        try
        {
            lock (writeLock)
            {
                // The events go with every write, not only a re-exec's: a crash then keeps what `start on` and `stop on`
                // had seen and which job waits for which (no request waits: their clients lose the connection anyway).
                var bytes = serializer.Serialize(
                    snapshot, DateTimeOffset.UtcNow, jobEnvironment: jobEnvironment?.Invoke(), underWay: events.Count == 0 ? null : new WorkUnderWay(events, []));

                // Before the file that names them: a daemon that dies between the two leaves an entry unused,
                // not a record without its definition.
                StoreDefinitions();
                RuntimeStateFile.Write(stateDir, bytes.Span);
            }

            failedBefore = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Said once per run of failures: a full disk would otherwise log on every transition.
            if (!failedBefore)
            {
                LogWriteFailed(logger, RuntimeStateFile.PathIn(stateDir), e.Message);
                failedBefore = true;
            }
        }
    }

    /// <summary>
    /// Keeps the files of each definition a record names, once per fingerprint; when the set of named
    /// definitions changes (rarely: a job started, stopped, or switched to a new file), prunes the rest.
    /// Follows the records the serializer found added and removed, so a write that moved one instance
    /// looks at one record's fingerprint, not every record's (docs/performance.md).
    /// </summary>
    private void StoreDefinitions()
    {
        if (definitions is null)
        {
            return;
        }

        foreach (var record in serializer.Added)
        {
            if (record.Fingerprint is { } fingerprint && storeAttempted.Add(fingerprint))
            {
                definitions.TryStore(fingerprint);
            }
        }

        if (CountReferences())
        {
            storeAttempted.IntersectWith(referenced.Keys);
            definitions.Prune(referenced.Keys.ToHashSet(StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// Brings <see cref="referenced"/> up to the last snapshot from what the serializer found added and removed
    /// (added first: a record replaced by another of the same definition leaves its count where it was);
    /// true when a fingerprint came or went.
    /// </summary>
    private bool CountReferences()
    {
        var changed = false;
        foreach (var record in serializer.Added)
        {
            if (record.Fingerprint is { } fingerprint)
            {
                var count = referenced.GetValueOrDefault(fingerprint);
                referenced[fingerprint] = count + 1;
                changed |= count == 0;
            }
        }

        foreach (var record in serializer.Removed)
        {
            if (record.Fingerprint is { } fingerprint && referenced.TryGetValue(fingerprint, out var count))
            {
                if (count > 1)
                {
                    referenced[fingerprint] = count - 1;
                }
                else
                {
                    referenced.Remove(fingerprint);
                    changed = true;
                }
            }
        }

        return changed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write the runtime state {Path}: {Reason}; a daemon restart may not find every job")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);
}
