using Microsoft.Extensions.Logging;
using UpstartHost.Engine;

namespace UpstartHost.State;

/// <summary>
/// Writes the engine's instance snapshots to <see cref="RuntimeStateFile"/> off the engine thread. Only
/// the latest snapshot matters, so snapshots offered while a write is under way replace each other and
/// the next write takes the newest: one write per burst of transitions, however many there were. A write that
/// fails (a full or read-only state directory) is tried again every <see cref="DefaultRetryInterval"/> until a
/// write succeeds: the engine offers nothing new while its jobs stay as they are, and a crash meanwhile would leave
/// the next daemon an old record (a job started since would run on unsupervised, its definition unknown).
/// </summary>
public sealed partial class RuntimeStateWriter : IDisposable
{
    /// <summary>How long a snapshot that could not be written waits for its next try when nothing newer comes.</summary>
    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromSeconds(15);

    private readonly string stateDir;
    private readonly ILogger logger;
    private readonly object gate = new();
    private readonly object writeLock = new();
    private readonly RuntimeStateSerializer serializer = new();
    private readonly Thread thread;
    private readonly DefinitionStore? definitions;
    private readonly Func<IReadOnlyList<string>?>? jobEnvironment;

    private readonly TimeSpan retryInterval;

    /// <summary>Fingerprints the store was asked for (stored, or changed since load: asking again would not help).</summary>
    private readonly HashSet<string> storeAttempted = new(StringComparer.Ordinal);

    /// <summary>Fingerprints the store could not write (a full disk): asked for again with every write until stored.</summary>
    private readonly HashSet<string> storeFailed = new(StringComparer.Ordinal);

    /// <summary>How many records of the last snapshot name each fingerprint: kept up to date from what changed.</summary>
    private readonly Dictionary<string, int> referenced = new(StringComparer.Ordinal);
    private (IReadOnlyList<InstanceRecord> Instances, IReadOnlyList<EventRecord> Events)? pending;
    private bool retryRequested;
    private long offered;
    private long written;
    private bool stopping;
    private bool failedBefore;

    // Under the gate: the last snapshot when its write failed, to be written again; whether a write is under way.
    private (IReadOnlyList<InstanceRecord> Instances, IReadOnlyList<EventRecord> Events)? unwritten;
    private bool writing;

    /// <param name="definitions">Where the job files each instance runs under are kept (null: not kept).</param>
    /// <param name="jobEnvironment">
    /// The global job environment table to record with each snapshot, read when the snapshot is written (null from it:
    /// the defaults; the engine moves its state version when the table changes, so a change gets a write of its own).
    /// </param>
    /// <param name="retryInterval">How long a snapshot that could not be written waits to be tried again (default <see cref="DefaultRetryInterval"/>).</param>
    public RuntimeStateWriter(
        string stateDir,
        ILogger logger,
        DefinitionStore? definitions = null,
        Func<IReadOnlyList<string>?>? jobEnvironment = null,
        TimeSpan? retryInterval = null)
    {
        this.retryInterval = retryInterval ?? DefaultRetryInterval;
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

    /// <summary>notify-disk-writeable: a snapshot that could not be written is tried again now, not after the interval.</summary>
    public void RetryNow()
    {
        lock (gate)
        {
            retryRequested = true;
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

    /// <summary>
    /// Waits until the writer has nothing left to do: every snapshot offered is written, no failed one waits to be
    /// tried again, and a <see cref="RetryNow"/> has been taken up. False after <paramref name="timeout"/> (tests await
    /// this instead of polling the file).
    /// </summary>
    public bool WaitUntilIdle(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (gate)
        {
            while (pending is not null || writing || retryRequested || unwritten is not null)
            {
                var left = deadline - Environment.TickCount64;
                if (stopping || left <= 0)
                {
                    return false;
                }

                Monitor.Wait(gate, TimeSpan.FromMilliseconds(left));
            }

            return true;
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
                var retryDue = false;
                while (pending is null && !stopping && !retryDue)
                {
                    if (unwritten is null)
                    {
                        if (retryRequested)
                        {
                            // Nothing to try again: the request is taken up (WaitUntilIdle waits for that).
                            retryRequested = false;
                            Monitor.PulseAll(gate);
                        }

                        Monitor.Wait(gate);
                    }
                    else
                    {
                        retryDue = retryRequested || !Monitor.Wait(gate, retryInterval);
                    }
                }

                retryRequested = false;

                if (pending is not null)
                {
                    (snapshot, pending, target) = (pending.Value, null, offered);
                }
                else if (retryDue)
                {
                    (snapshot, target) = (unwritten!.Value, written);
                }
                else
                {
                    return;
                }

                writing = true;
            }

            var done = Write(snapshot.Instances, snapshot.Events);
            lock (gate)
            {
                unwritten = done ? null : snapshot;
                writing = false;
                written = target;
                WriteCount++;
                Monitor.PulseAll(gate);
            }
        }
    }

    /// <summary>Writes the snapshot (and stores its definitions); false when something could not be written, to be tried again.</summary>
    private bool Write(IReadOnlyList<InstanceRecord> snapshot, IReadOnlyList<EventRecord> events)
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

            if (failedBefore)
            {
                var path = RuntimeStateFile.PathIn(stateDir);
                LogWriteRecovered(logger, path);
                failedBefore = false;
            }

            return storeFailed.Count == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Said once per run of failures: a full disk would otherwise log on every transition.
            if (!failedBefore)
            {
                LogWriteFailed(logger, RuntimeStateFile.PathIn(stateDir), e.Message);
                failedBefore = true;
            }

            return false;
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

        // Said when it first failed: a full disk would otherwise log every entry at every try.
        foreach (var fingerprint in storeFailed.ToList())
        {
            if (definitions.TryStore(fingerprint, out var retry, logFailure: false) || !retry)
            {
                storeFailed.Remove(fingerprint);
            }
        }

        foreach (var record in serializer.Added)
        {
            if (record.Fingerprint is { } fingerprint && storeAttempted.Add(fingerprint)
                && !definitions.TryStore(fingerprint, out var worthRetrying) && worthRetrying)
            {
                storeFailed.Add(fingerprint);
            }
        }

        if (CountReferences())
        {
            storeAttempted.IntersectWith(referenced.Keys);
            storeFailed.IntersectWith(referenced.Keys);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "The runtime state {Path} is written again")]
    private static partial void LogWriteRecovered(ILogger logger, string path);
}
