using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// A client that asks and leaves before reading its answers (a monitor killed by its own timeout, a script that
/// sends and exits) is routine: it goes to <see cref="ControlServerOptions.LogRoutine"/> (the daemon's debug level),
/// not to <see cref="ControlServerOptions.Log"/> as a failed connection. The soak in docs/performance.md saw 2,445
/// such warnings in 25 minutes of one monitor-like client.
/// </summary>
public sealed class ClientLeftFirstTests
{
    [Fact]
    public async Task Clients_that_close_before_their_answers_are_said_as_routine_and_never_as_failures()
    {
        var routine = new List<string>();
        await using var server = TestServer.Start(path => new ControlServerOptions
        {
            SocketPath = path,
            LogRoutine = message =>
            {
                lock (routine)
                {
                    routine.Add(message);
                }
            },
        });

        for (var client = 0; client < 20; client++)
        {
            // A hello and an immediate close: the server's answer to it finds no one.
            using (var greeting = await RawConnection.ConnectAsync(server.SocketPath, TestServer.Deadline()))
            {
                await greeting.SendFrameAsync(RawConnection.Hello, TestServer.Deadline());
            }

            // Fifty requests and an immediate close: the server is still answering when the client is gone.
            using var connection = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());
            for (var id = 1; id <= 50; id++)
            {
                await connection.SendFrameAsync($$"""{"id":{{id}},"op":"version"}""", TestServer.Deadline());
            }
        }

        var deadline = TestServer.Deadline();
        while (server.Server.ConnectionCount > 0)
        {
            await Task.Delay(10, deadline);
        }

        lock (server.Log)
        {
            Assert.Empty(server.Log);
        }

        lock (routine)
        {
            Assert.NotEmpty(routine);
            Assert.All(routine, line => Assert.Contains("left before its answers", line, StringComparison.Ordinal));
        }
    }
}
