namespace UpstartPS.Protocol.Tests;

/// <summary>
/// status and list a handler answers at once go out from the read loop (issue 11): same answers, same
/// errors, and the rules of the ordinary path (a duplicate id in flight) still hold.
/// </summary>
public sealed class AnswerNowTests
{
    private static TestServer Start() => TestServer.Start(handler: new FakeControlHandler { AnswersNow = true });

    [Fact]
    public async Task Status_and_list_are_answered_at_once_when_the_handler_can()
    {
        await using var server = Start();
        await using var client = await server.ConnectAsync();

        var ssh = Assert.Single(await client.StatusAsync("ssh", cancellationToken: TestServer.Deadline()));
        var all = await client.ListAsync(TestServer.Deadline());

        Assert.Equal(("ssh", "running", 1141), (ssh.Name, ssh.State, ssh.Processes.Single().Pid));
        Assert.Equal(["ssh", "cron", "tty"], all.Select(j => j.Name));
        Assert.Equal(["status-now ssh", "list-now"], server.Handler.Calls);
    }

    [Fact]
    public async Task An_unknown_job_answered_at_once_is_the_same_error()
    {
        await using var server = Start();
        await using var client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<UpstartException>(() => client.StatusAsync("missing", cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.UnknownJob, "Unknown job: missing"), (e.Code, e.Message));
        await client.StatusAsync("ssh", cancellationToken: TestServer.Deadline());
    }

    [Fact]
    public async Task A_status_with_the_id_of_a_request_in_flight_is_refused_not_answered()
    {
        await using var server = Start();
        using var raw = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());

        await raw.SendFrameAsync("""{"id":4,"op":"start","job":"slow"}""", TestServer.Deadline());
        await server.Handler.SlowStarted.Task.WaitAsync(TestServer.Deadline());
        await raw.SendFrameAsync("""{"id":4,"op":"status","job":"ssh"}""", TestServer.Deadline());
        var error = await raw.ReadFrameAsync(TestServer.Deadline());
        await raw.SendFrameAsync("""{"id":4,"op":"cancel"}""", TestServer.Deadline());
        await raw.ReadFrameAsync(TestServer.Deadline());

        Assert.Contains("already in flight", error!.Value.GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain(server.Handler.Calls, c => c.StartsWith("status", StringComparison.Ordinal));
    }
}
