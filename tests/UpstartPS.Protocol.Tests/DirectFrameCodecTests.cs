using System.Buffers;
using System.Text;
using System.Text.Json;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// The command line's direct codec against the source-generated serialisers, which define the format:
/// the same bytes written, the same frames read, and every shape it was not written for left to them.
/// </summary>
public sealed class DirectFrameCodecTests
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;

    /// <summary>Strings a hostile or unlucky caller may send: quotes, escapes, HTML, non-ASCII, control characters.</summary>
    private static readonly string[] Awkward =
    [
        "", "web", "a\"b", "back\\slash", "<script>&'+", "tab\there", "line\nbreak", "nul\0byte", "\u001f",
        "ünïcödé", "日本語", "emoji \ud83d\ude00", "x=y", "KEY=VALUE with spaces", new string('z', 3000),
    ];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_request_is_written_byte_for_byte_as_the_serialiser_writes_it(int seed)
    {
        var request = RandomRequest(new Random(seed));

        Assert.Equal(
            Encoding.UTF8.GetString(Write(request, (w, r) => JsonSerializer.Serialize(w, r, Json.RequestFrame))),
            Encoding.UTF8.GetString(Write(request, DirectFrameCodec.WriteRequest)));
    }

    [Fact]
    public void A_request_with_every_field_unset_but_the_id_is_written_as_the_serialiser_writes_it()
    {
        var request = new RequestFrame { Id = long.MaxValue };

        Assert.Equal(
            Write(request, (w, r) => JsonSerializer.Serialize(w, r, Json.RequestFrame)),
            Write(request, DirectFrameCodec.WriteRequest));
    }

    [Theory]
    [InlineData("upstartctl 0.1.0")]
    [InlineData("a\"b\\c<>")]
    [InlineData(null)]
    public void The_hello_is_written_as_the_serialiser_writes_it(string? client)
    {
        var hello = new ClientHello { Type = "hello", Protocol = FrameFormat.ProtocolVersion, Client = client };

        Assert.Equal(
            Write(hello, (w, h) => JsonSerializer.Serialize(w, h, Json.ClientHello)),
            Write(hello, DirectFrameCodec.WriteHello));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_response_with_jobs_reads_as_the_serialiser_reads_it(int seed)
    {
        var random = new Random(seed);
        var frame = new ResponseFrame
        {
            Id = random.NextInt64(0, long.MaxValue),
            Type = random.Next(2) == 0 ? ResponseTypes.Result : ResponseTypes.Item,
            Jobs = [.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => RandomJob(random))],
            Job = random.Next(2) == 0 ? RandomJob(random) : null,
            Text = random.Next(3) == 0 ? Pick(random) : null,
        };

        AssertReadsAsTheSerialiser(JsonSerializer.SerializeToUtf8Bytes(frame, Json.ResponseFrame));
    }

    [Theory]
    [InlineData(UpstartErrorCode.UnknownJob)]
    [InlineData(UpstartErrorCode.AccessDenied)]
    [InlineData(UpstartErrorCode.Timeout)]
    public void An_error_reads_as_the_serialiser_reads_it(UpstartErrorCode code)
    {
        AssertReadsAsTheSerialiser(JsonSerializer.SerializeToUtf8Bytes(ResponseFrame.Failure(9, code, "Unknown job: \"web\"\n"), Json.ResponseFrame));
    }

    [Theory]
    [InlineData("""{"id":1,"type":"error","error":{"code":"CodeFromANewerDaemon","message":"new"}}""")]
    [InlineData("""{"id":1,"type":"error","error":{"code":"7","message":"numeric name"}}""")]
    [InlineData("""{"\u0069d":2,"type":"result","text":"escaped property name"}""")]
    [InlineData("""{"id":2,"type":"result","text":"duplicate","text":"last wins"}""")]
    [InlineData("""  {"id":3,"type":"end"}  """)]
    [InlineData("""{"id":4,"jobs":[{"name":"w","instance":"","goal":"start","state":"post-stop","processes":[{"pid":7,"kind":"main"}],"nextRespawn":"2026-12-04T10:00:00.5+00:00"}]}""")]
    [InlineData("""{"id":5,"jobs":[{"name":"w","instance":"","goal":"start","state":"running","processes":[{"pid":7,"kind":"main"}],"since":"2026-12-07T04:50:31.0123456+00:00"}]}""")]
    public void Hand_written_frames_the_reader_knows_read_as_the_serialiser_reads_them(string json)
    {
        AssertReadsAsTheSerialiser(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Each is left to the serialiser, which either reads it (other payloads, unknown fields) or refuses it.</summary>
    [Theory]
    [InlineData("""{"id":1,"type":"result","change":{"added":["a"],"changed":[],"removed":[]}}""")]
    [InlineData("""{"id":1,"type":"result","problems":[]}""")]
    [InlineData("""{"id":1,"type":"result","diagnostics":[]}""")]
    [InlineData("""{"id":1,"type":"item","line":{"text":"x"}}""")]
    [InlineData("""{"id":1,"type":"error","error":{"code":"CheckFailed","message":"m","check":{"exitStatus":1,"lines":["bad"]}}}""")]
    [InlineData("""{"id":1,"type":"result","fromALaterVersion":true}""")]
    [InlineData("""{"id":1,"type":"result","job":{"name":"w","fromALaterVersion":1}}""")]
    [InlineData("""{"id":1,"type":"result","job":{"goal":"start"}}""")]
    [InlineData("""{"id":1,"type":"result","job":{"name":"w","instance":"","state":"waiting","processes":[]}}""")]
    [InlineData("""{"id":1,"type":"result","job":{"name":null}}""")]
    [InlineData("""{"id":1,"type":"result","job":{"name":"w","instance":null}}""")]
    [InlineData("""{"id":1,"type":"result","jobs":null}""")]
    [InlineData("""{"id":1,"type":null}""")]
    [InlineData("""{"id":"1","type":"result"}""")]
    [InlineData("""{"id":1.5,"type":"result"}""")]
    [InlineData("""{"id":1,"type":"result","job":{"name":"w","processes":[{"kind":"main"}]}}""")]
    [InlineData("""{"id":1,"type":"result","job":{"name":"w","respawnCount":99999999999}}""")]
    [InlineData("""{"id":1,"type":"result","job":{"name":"w","nextRespawn":"not a time"}}""")]
    [InlineData("""{"id":1,"type":"result","job":{"name":"w","since":17}}""")]
    [InlineData("""{"id":1,"type":"result"} {"id":2}""")]
    [InlineData("""{"id":1,"type":"result" """)]
    [InlineData("""[{"id":1}]""")]
    [InlineData("""{"id":1,/*comment*/"type":"result"}""")]
    [InlineData("")]
    public void Frames_the_reader_was_not_written_for_are_left_to_the_serialiser(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.False(DirectFrameCodec.TryReadResponse(bytes, out var frame));
        Assert.Null(frame);
    }

    [Theory]
    [InlineData("""{"type":"hello","protocol":1,"daemon":"0.1.0","mode":"System"}""")]
    [InlineData("""{"type":"hello","protocol":1,"daemon":"0.1.0","mode":"Session"}""")]
    [InlineData("""{"type":"error","protocol":1,"error":{"code":"AccessDenied","message":"not in group upstartps"}}""")]
    [InlineData("""{"type":"hello","protocol":2}""")]
    public void The_daemons_hello_reads_as_the_serialiser_reads_it(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.True(DirectFrameCodec.TryReadServerHello(bytes, out var direct));
        var expected = JsonSerializer.Deserialize(bytes, Json.ServerHello)!;
        Assert.Equal(
            JsonSerializer.Serialize(expected, Json.ServerHello),
            JsonSerializer.Serialize(direct!, Json.ServerHello));
    }

    [Theory]
    [InlineData("""{"type":"hello","protocol":1,"mode":"session"}""")]
    [InlineData("""{"type":"hello","protocol":1,"mode":1}""")]
    [InlineData("""{"type":"hello","protocol":1,"features":[]}""")]
    [InlineData("""{"type":"hello","protocol":"1"}""")]
    [InlineData("""{"type":"hello",""")]
    public void A_hello_the_reader_was_not_written_for_is_left_to_the_serialiser(string json)
    {
        Assert.False(DirectFrameCodec.TryReadServerHello(Encoding.UTF8.GetBytes(json), out var hello));
        Assert.Null(hello);
    }

    [Fact]
    public void The_daemons_goals_states_and_kinds_are_one_string_each_and_any_other_word_reads_as_written()
    {
        static JobInfo Running(string name, string state, string kind) => new()
        {
            Name = name, Instance = "", Goal = "start", State = state, HasInstance = true,
            Processes = [new ProcessInfo(kind, 100)],
        };
        var frame = new ResponseFrame
        {
            Id = 1,
            Type = ResponseTypes.Result,
            Jobs = [Running("a", "running", "main"), Running("b", "running", "main"), Running("c", "half-started", "sidecar"), Running("d", "post-start", "post-start")],
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, Json.ResponseFrame);

        AssertReadsAsTheSerialiser(bytes);
        Assert.True(DirectFrameCodec.TryReadResponse(bytes, out var read));
        var jobs = read!.Jobs!;
        Assert.Same(jobs[0].Goal, jobs[1].Goal);
        Assert.Same(jobs[0].State, jobs[1].State);
        Assert.Same(jobs[0].Processes[0].Kind, jobs[1].Processes[0].Kind);
        Assert.Same(jobs[3].State, jobs[3].Processes[0].Kind);
        Assert.Equal(("half-started", "sidecar"), (jobs[2].State, jobs[2].Processes[0].Kind));
    }

    private static void AssertReadsAsTheSerialiser(byte[] bytes)
    {
        Assert.True(DirectFrameCodec.TryReadResponse(bytes, out var direct), Encoding.UTF8.GetString(bytes));
        var expected = JsonSerializer.Deserialize(bytes, Json.ResponseFrame)!;

        // Records compare lists by reference: compare what each decoding says, written out again.
        Assert.Equal(
            JsonSerializer.Serialize(expected, Json.ResponseFrame),
            JsonSerializer.Serialize(direct!, Json.ResponseFrame));
    }

    private static byte[] Write<T>(T message, Action<Utf8JsonWriter, T> write)
    {
        // As BlockingFrameStream sets up its writer.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            write(writer, message);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static RequestFrame RandomRequest(Random random) => new()
    {
        Id = random.NextInt64(1, long.MaxValue),
        Op = Maybe(random, () => Pick(random)),
        Job = Maybe(random, () => Pick(random)),
        Instance = Maybe(random, () => Pick(random)),
        Event = Maybe(random, () => Pick(random)),
        Env = Maybe(random, () => (IReadOnlyList<string>)[.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Pick(random))]),
        Wait = MaybeBool(random),
        DryRun = MaybeBool(random),
        IgnoredEvents = Maybe(random, () => (IReadOnlyList<string>)[.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => Pick(random))]),
        WarnAll = MaybeBool(random),
        Enabled = MaybeBool(random),
        Stop = MaybeBool(random),
        Priority = Maybe(random, () => Pick(random)),
        Tail = random.Next(2) == 0 ? random.Next(int.MinValue, int.MaxValue) : null,
        Follow = MaybeBool(random),
        History = MaybeBool(random),
        Resume = Maybe(random, () => Pick(random)),
        Names = Maybe(random, () => (IReadOnlyList<string>)[.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => Pick(random))]),
        Retain = MaybeBool(random),
    };

    private static JobInfo RandomJob(Random random) => new()
    {
        Name = Pick(random),
        Instance = Pick(random),
        Goal = random.Next(2) == 0 ? "start" : "stop",
        State = Pick(random),
        Processes = [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => new ProcessInfo(Pick(random), random.Next()))],
        Description = Maybe(random, () => Pick(random)),
        StartOn = Maybe(random, () => Pick(random)),
        StopOn = Maybe(random, () => Pick(random)),
        IsTask = random.Next(2) == 0,
        RespawnCount = random.Next(int.MinValue, int.MaxValue),
        LastFailure = Maybe(random, () => Pick(random)),
        ConfigPath = Maybe(random, () => Pick(random)),
        ConfigChanged = random.Next(2) == 0,
        Disabled = random.Next(2) == 0,
        HasInstance = random.Next(2) == 0,
        NextRespawn = MaybeTime(random),
        Since = MaybeTime(random),
    };

    private static DateTimeOffset? MaybeTime(Random random) =>
        random.Next(2) == 0
            ? new DateTimeOffset(random.NextInt64(DateTimeOffset.UnixEpoch.Ticks, DateTimeOffset.UnixEpoch.Ticks + (100L * 365 * TimeSpan.TicksPerDay)), TimeSpan.FromHours(random.Next(-12, 13)))
            : null;

    private static string Pick(Random random) => Awkward[random.Next(Awkward.Length)];

    private static T? Maybe<T>(Random random, Func<T> value) where T : class => random.Next(2) == 0 ? value() : null;

    private static bool? MaybeBool(Random random) => random.Next(3) switch { 0 => null, 1 => true, _ => false };
}
