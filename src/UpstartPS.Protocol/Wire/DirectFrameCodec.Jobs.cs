using System.Text;
using System.Text.Json;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Protocol.Wire;

/// <summary>Reading a response's jobs and their processes, property by property, all or nothing as the rest of the codec.</summary>
internal static partial class DirectFrameCodec
{
    private static List<JobInfo> ReadJobs(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartArray);
        var jobs = new List<JobInfo>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return jobs;
            }

            jobs.Add(ReadJob(ref reader));
        }
    }

    /// <summary>One JobInfo, the reader on its start; every property the record has, none it lacks.</summary>
    private static JobInfo ReadJob(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? name = null, instance = null, goal = null, state = null;
        IReadOnlyList<ProcessInfo>? processes = null;
        string? description = null, startOn = null, stopOn = null, lastFailure = null, configPath = null;
        bool isTask = false, configChanged = false, disabled = false, hasInstance = false;
        var respawnCount = 0;
        DateTimeOffset? nextRespawn = null, since = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("name"u8))
            {
                name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("instance"u8))
            {
                instance = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("goal"u8))
            {
                goal = ReadWord(ref reader);
            }
            else if (reader.ValueTextEquals("state"u8))
            {
                state = ReadWord(ref reader);
            }
            else if (reader.ValueTextEquals("processes"u8))
            {
                processes = ReadProcesses(ref reader);
            }
            else if (reader.ValueTextEquals("description"u8))
            {
                description = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("startOn"u8))
            {
                startOn = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("stopOn"u8))
            {
                stopOn = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("isTask"u8))
            {
                isTask = ReadBoolean(ref reader);
            }
            else if (reader.ValueTextEquals("respawnCount"u8))
            {
                respawnCount = ReadInt32(ref reader);
            }
            else if (reader.ValueTextEquals("lastFailure"u8))
            {
                lastFailure = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("configPath"u8))
            {
                configPath = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("configChanged"u8))
            {
                configChanged = ReadBoolean(ref reader);
            }
            else if (reader.ValueTextEquals("disabled"u8))
            {
                disabled = ReadBoolean(ref reader);
            }
            else if (reader.ValueTextEquals("hasInstance"u8))
            {
                hasInstance = ReadBoolean(ref reader);
            }
            else if (reader.ValueTextEquals("nextRespawn"u8))
            {
                Next(ref reader);
                Expect(ref reader, JsonTokenType.String);
                nextRespawn = reader.GetDateTimeOffset();
            }
            else if (reader.ValueTextEquals("since"u8))
            {
                Next(ref reader);
                Expect(ref reader, JsonTokenType.String);
                since = reader.GetDateTimeOffset();
            }
            else
            {
                throw new NotHandled();
            }
        }

        // The daemon always writes these. Without one, the serialiser refuses the frame (name) or, for the
        // init-only others, leaves null rather than the record's default: its verdict, not a guess here.
        return new JobInfo
        {
            Name = name ?? throw new NotHandled(),
            Instance = instance ?? throw new NotHandled(),
            Goal = goal ?? throw new NotHandled(),
            State = state ?? throw new NotHandled(),
            Processes = processes ?? throw new NotHandled(),
            Description = description,
            StartOn = startOn,
            StopOn = stopOn,
            IsTask = isTask,
            RespawnCount = respawnCount,
            LastFailure = lastFailure,
            ConfigPath = configPath,
            ConfigChanged = configChanged,
            Disabled = disabled,
            HasInstance = hasInstance,
            NextRespawn = nextRespawn,
            Since = since,
        };
    }

    private static List<ProcessInfo> ReadProcesses(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartArray);
        var processes = new List<ProcessInfo>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return processes;
            }

            Expect(ref reader, JsonTokenType.StartObject);
            string? kind = null;
            int? pid = null;
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("kind"u8))
                {
                    kind = ReadWord(ref reader);
                }
                else if (reader.ValueTextEquals("pid"u8))
                {
                    pid = ReadInt32(ref reader);
                }
                else
                {
                    throw new NotHandled();
                }
            }

            // A positional record: the serialiser fills a missing parameter with its default; leave that to it.
            processes.Add(new ProcessInfo(kind ?? throw new NotHandled(), pid ?? throw new NotHandled()));
        }
    }

    /// <summary>
    /// The daemon's words for goals, states and process kinds (UPSTART.md), most frequent first. Read through
    /// <see cref="ReadWord"/>, each is the same string for every job: `list` of a thousand jobs read three
    /// thousand new ones before, a sixth of its page faults (docs/performance.md).
    /// </summary>
    private static readonly string[] Words =
    [
        "start", "running", "main", "stop", "waiting", "starting", "security", "pre-start", "spawned",
        "post-start", "pre-stop", "stopping", "killed", "post-stop",
    ];

    /// <summary>A string property's value: one of <see cref="Words"/> when it is one, else read as any string.</summary>
    private static string ReadWord(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.String);
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var value = reader.ValueSpan;
            foreach (var word in Words)
            {
                if (Ascii.Equals(value, word))
                {
                    return word;
                }
            }
        }

        return reader.GetString()!;
    }
}
