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

    private readonly Dictionary<int, ulong> startTimes = [];
    private readonly ArrayBufferWriter<byte> buffer = new(64 * 1024);
    private Dictionary<InstanceRecord, byte[]> entries = new(ReferenceEqualityComparer.Instance);

    /// <summary>Instances serialised so far (tests count them to see the reuse).</summary>
    public long EntriesSerialized { get; private set; }

    /// <summary>The file's bytes for <paramref name="records"/>, valid until the next call.</summary>
    /// <param name="logChannels">Re-exec only, as for <see cref="RuntimeStateFile.Serialize"/>.</param>
    public ReadOnlyMemory<byte> Serialize(IReadOnlyList<InstanceRecord> records, DateTimeOffset writtenUtc, IReadOnlyList<LogChannel>? logChannels = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var seen = new HashSet<int>();
        var kept = new Dictionary<InstanceRecord, byte[]>(records.Count, ReferenceEqualityComparer.Instance);
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

            writer.WriteEndObject();
        }

        RuntimeStateFile.ForgetStartTimesExcept(startTimes, seen);
        entries = kept;
        return buffer.WrittenMemory;
    }
}
