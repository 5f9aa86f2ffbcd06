using System.Text.Json;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// The frames a one-shot command (upstartctl) sends and most often reads, written and read with
/// <see cref="Utf8JsonWriter"/>/<see cref="Utf8JsonReader"/> directly. Why: in a fresh NativeAOT process,
/// System.Text.Json builds its metadata for <see cref="ResponseFrame"/> and every type it reaches on first
/// use, through reflection over the runtime's metadata; measured on `upstartctl status` that was about a
/// quarter of the process's page faults and a third of its CPU time (docs/performance.md, "The command
/// line"). A long-lived client pays that once and keeps <see cref="ProtocolJsonContext"/>.
/// <para>
/// The source-generated serialisers stay the definition of the format. Writing produces the same bytes
/// as they do (tests compare the two). Reading is all or nothing: anything this reader was not written
/// for — another payload (config, problems, log lines…), a property it does not know, a null, a number
/// where a string was expected, malformed JSON — makes it answer false, and the caller hands the same
/// bytes to System.Text.Json, which decides as it always did (tests compare the two on every shape).
/// </para>
/// The job and process readers, the largest part of a response, are in DirectFrameCodec.Jobs.cs.
/// </summary>
internal static partial class DirectFrameCodec
{
    public static void WriteHello(Utf8JsonWriter writer, ClientHello hello)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(hello);
        writer.WriteStartObject();
        WriteIfSet(writer, "type"u8, hello.Type);
        writer.WriteNumber("protocol"u8, hello.Protocol);
        WriteIfSet(writer, "client"u8, hello.Client);
        writer.WriteEndObject();
    }

    /// <summary>Properties in declaration order and nulls left out, as the source-generated serialiser writes them.</summary>
    public static void WriteRequest(Utf8JsonWriter writer, RequestFrame request)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(request);
        writer.WriteStartObject();
        writer.WriteNumber("id"u8, request.Id);
        WriteIfSet(writer, "op"u8, request.Op);
        WriteIfSet(writer, "job"u8, request.Job);
        WriteIfSet(writer, "instance"u8, request.Instance);
        WriteIfSet(writer, "event"u8, request.Event);
        WriteIfSet(writer, "env"u8, request.Env);
        WriteIfSet(writer, "wait"u8, request.Wait);
        WriteIfSet(writer, "dryRun"u8, request.DryRun);
        WriteIfSet(writer, "ignoredEvents"u8, request.IgnoredEvents);
        WriteIfSet(writer, "warnAll"u8, request.WarnAll);
        WriteIfSet(writer, "enabled"u8, request.Enabled);
        WriteIfSet(writer, "stop"u8, request.Stop);
        WriteIfSet(writer, "priority"u8, request.Priority);
        if (request.Tail is { } tail)
        {
            writer.WriteNumber("tail"u8, tail);
        }

        WriteIfSet(writer, "follow"u8, request.Follow);
        WriteIfSet(writer, "history"u8, request.History);
        WriteIfSet(writer, "resume"u8, request.Resume);
        WriteIfSet(writer, "names"u8, request.Names);
        WriteIfSet(writer, "retain"u8, request.Retain);
        writer.WriteEndObject();
    }

    /// <summary>The daemon's hello (or its refusal); false when the payload is not one this reader knows.</summary>
    public static bool TryReadServerHello(ReadOnlySpan<byte> payload, out ServerHello? hello)
    {
        hello = null;
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var result = new ServerHello();
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    result.Type = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("protocol"u8))
                {
                    result.Protocol = ReadInt32(ref reader);
                }
                else if (reader.ValueTextEquals("daemon"u8))
                {
                    result.Daemon = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("mode"u8))
                {
                    result.Mode = ReadMode(ref reader);
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    result.Error = ReadError(ref reader);
                }
                else
                {
                    return false;
                }
            }

            hello = result;
            return AtEnd(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or NotHandled or InvalidOperationException or FormatException)
        {
            hello = null;
            return false;
        }
    }

    /// <summary>A response carrying jobs, a job, a text or an error; false for anything else (see the class remarks).</summary>
    public static bool TryReadResponse(ReadOnlySpan<byte> payload, out ResponseFrame? frame)
    {
        frame = null;
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var result = new ResponseFrame();
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    result.Id = ReadInt64(ref reader);
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    result.Type = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("jobs"u8))
                {
                    result.Jobs = ReadJobs(ref reader);
                }
                else if (reader.ValueTextEquals("job"u8))
                {
                    Next(ref reader);
                    result.Job = ReadJob(ref reader);
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    result.Text = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    result.Error = ReadError(ref reader);
                }
                else
                {
                    return false;
                }
            }

            frame = result;
            return AtEnd(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or NotHandled or InvalidOperationException or FormatException)
        {
            frame = null;
            return false;
        }
    }

    private static ErrorBody ReadError(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartObject);
        var error = new ErrorBody();
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("code"u8))
            {
                error.Code = TolerantErrorCodeConverter.FromName(ReadString(ref reader));
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                error.Message = ReadString(ref reader);
            }
            else
            {
                // `check` (a failed pre-restart) and whatever later versions add.
                throw new NotHandled();
            }
        }

        return error;
    }

    /// <summary>As the string enum converter writes the mode; any other spelling is the serialiser's to judge.</summary>
    private static DaemonMode ReadMode(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.String);
        return reader.ValueTextEquals("System"u8) ? DaemonMode.System
            : reader.ValueTextEquals("Session"u8) ? DaemonMode.Session
            : throw new NotHandled();
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.PropertyName => true,
            JsonTokenType.EndObject => false,
            _ => throw new NotHandled(),
        };
    }

    private static string ReadString(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.String);
        return reader.GetString()!;
    }

    private static int ReadInt32(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.Number);
        return reader.TryGetInt32(out var value) ? value : throw new NotHandled();
    }

    private static long ReadInt64(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.Number);
        return reader.TryGetInt64(out var value) ? value : throw new NotHandled();
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new NotHandled(),
        };
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new NotHandled();
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new NotHandled();
        }
    }

    /// <summary>Nothing but white space may follow the frame's object, as the serialiser requires.</summary>
    private static bool AtEnd(ref Utf8JsonReader reader) => !reader.Read();

    private static void WriteIfSet(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, ReadOnlySpan<byte> name, bool? value)
    {
        if (value is { } set)
        {
            writer.WriteBoolean(name, set);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Something this reader was not written for: the caller falls back to the serialiser.</summary>
    private sealed class NotHandled : Exception
    {
    }
}
