using System.Buffers;
using System.Text.Json;
using UpstartHost.Engine;
using UpstartHost.Logging;

namespace UpstartHost.State;

/// <summary>
/// <see cref="RuntimeStateFile"/>'s content for the state writer, written instance by instance: each
/// instance's JSON is kept for as long as the engine hands over the same record (records are immutable, and
/// the engine reuses an unchanged instance's record), so a burst that moved one instance of a thousand
/// serialises one. The bytes are those <see cref="RuntimeStateFile.Serialize"/> writes (tested). One thread.
/// </summary>
internal sealed class RuntimeStateSerializer
{
    private static readonly JsonEncodedText VersionName = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText BootIdName = JsonEncodedText.Encode("bootId");
    private static readonly JsonEncodedText WrittenUtcName = JsonEncodedText.Encode("writtenUtc");
    private static readonly JsonEncodedText DaemonPidName = JsonEncodedText.Encode("daemonPid");
    private static readonly JsonEncodedText InstancesName = JsonEncodedText.Encode("instances");
    private static readonly JsonEncodedText LogChannelsName = JsonEncodedText.Encode("logChannels");
    private static readonly JsonEncodedText JobEnvironmentName = JsonEncodedText.Encode("jobEnvironment");
    private static readonly JsonEncodedText KeptOutputName = JsonEncodedText.Encode("keptOutput");
    private static readonly JsonEncodedText EventsName = JsonEncodedText.Encode("events");
    private static readonly JsonEncodedText WaitsName = JsonEncodedText.Encode("waits");

    private readonly Dictionary<int, ulong> startTimes = [];
    private readonly HashSet<int> seen = [];
    private readonly List<int> forgotten = [];
    private readonly ArrayBufferWriter<byte> buffer = new(64 * 1024);
    private readonly List<InstanceRecord> added = [];
    private readonly List<InstanceRecord> removed = [];

    // The last call's records with their JSON, and a spare the next call fills and then swaps in: a write
    // allocates nothing for its bookkeeping, however many instances there are.
    private Dictionary<InstanceRecord, byte[]> entries = new(ReferenceEqualityComparer.Instance);
    private Dictionary<InstanceRecord, byte[]> spare = new(ReferenceEqualityComparer.Instance);

    /// <summary>Instances serialised so far (tests count them to see the reuse).</summary>
    public long EntriesSerialized { get; private set; }

    /// <summary>The last call's records that the call before did not have (by reference), valid until the next call.</summary>
    public IReadOnlyList<InstanceRecord> Added => added;

    /// <summary>The records of the call before that the last call no longer had, valid until the next call.</summary>
    public IReadOnlyList<InstanceRecord> Removed => removed;

    /// <summary>The file's bytes for <paramref name="records"/>, valid until the next call.</summary>
    /// <param name="logChannels">Re-exec only, as for <see cref="RuntimeStateFile.Serialize"/>.</param>
    /// <param name="jobEnvironment">As for <see cref="RuntimeStateFile.Serialize"/>.</param>
    /// <param name="keptOutput">Re-exec only, as for <see cref="RuntimeStateFile.Serialize"/>.</param>
    /// <param name="underWay">As for <see cref="RuntimeStateFile.Serialize"/>.</param>
    public ReadOnlyMemory<byte> Serialize(
        IReadOnlyList<InstanceRecord> records,
        DateTimeOffset writtenUtc,
        IReadOnlyList<LogChannel>? logChannels = null,
        IReadOnlyList<string>? jobEnvironment = null,
        IReadOnlyList<KeptLogOutput>? keptOutput = null,
        WorkUnderWay? underWay = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        seen.Clear();
        added.Clear();
        removed.Clear();
        var kept = spare;
        kept.Clear();
        var reused = 0;
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            // StateFileEntry's properties in its order, null ones left out, as its serialiser writes them.
            writer.WriteStartObject();
            writer.WriteNumber(VersionName, RuntimeStateFile.FormatVersion);
            writer.WriteString(BootIdName, RuntimeStateFile.CurrentBootId);
            writer.WriteString(WrittenUtcName, writtenUtc);
            writer.WriteNumber(DaemonPidName, Environment.ProcessId);
            writer.WriteStartArray(InstancesName);
            foreach (var record in records)
            {
                if (entries.TryGetValue(record, out var json))
                {
                    reused++;
                    foreach (var process in record.Processes)
                    {
                        seen.Add(process.Pid);
                    }
                }
                else
                {
                    json = JsonSerializer.SerializeToUtf8Bytes(
                        RuntimeStateFile.ToEntry(record, startTimes, seen), RuntimeStateJsonContext.Default.InstanceEntry);
                    EntriesSerialized++;
                    added.Add(record);
                }

                kept[record] = json;
                writer.WriteRawValue(json, skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (RuntimeStateFile.ToEntries(logChannels) is { } channels)
            {
                writer.WritePropertyName(LogChannelsName);
                JsonSerializer.Serialize(writer, channels, RuntimeStateJsonContext.Default.LogChannelEntryArray);
            }

            if (jobEnvironment is not null)
            {
                writer.WriteStartArray(JobEnvironmentName);
                foreach (var entry in jobEnvironment)
                {
                    writer.WriteStringValue(entry);
                }

                writer.WriteEndArray();
            }

            if (RuntimeStateFile.ToEntries(keptOutput) is { } keptEntries)
            {
                writer.WritePropertyName(KeptOutputName);
                JsonSerializer.Serialize(writer, keptEntries, RuntimeStateJsonContext.Default.KeptOutputEntryArray);
            }

            if (RuntimeStateFile.ToEntries(underWay?.Events) is { } eventEntries)
            {
                writer.WritePropertyName(EventsName);
                JsonSerializer.Serialize(writer, eventEntries, RuntimeStateJsonContext.Default.EventEntryArray);
            }

            if (RuntimeStateFile.ToEntries(underWay?.Waits) is { } waitEntries)
            {
                writer.WritePropertyName(WaitsName);
                JsonSerializer.Serialize(writer, waitEntries, RuntimeStateJsonContext.Default.RequestWaitEntryArray);
            }

            writer.WriteEndObject();
        }

        if (reused != entries.Count)
        {
            foreach (var record in entries.Keys)
            {
                if (!kept.ContainsKey(record))
                {
                    removed.Add(record);
                }
            }
        }

        ForgetStartTimesOfGonePids();
        (entries, spare) = (kept, entries);
        spare.Clear();
        return buffer.WrittenMemory;
    }

    /// <summary>Start times of pids no record names any more (only when there are some: usually none or one).</summary>
    private void ForgetStartTimesOfGonePids()
    {
        if (startTimes.Count <= seen.Count)
        {
            return;
        }

        forgotten.Clear();
        foreach (var pid in startTimes.Keys)
        {
            if (!seen.Contains(pid))
            {
                forgotten.Add(pid);
            }
        }

        foreach (var pid in forgotten)
        {
            startTimes.Remove(pid);
        }
    }
}
