using System.Text.Json;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>Authorisation against real peers: another uid connects from its own process and SO_PEERCRED decides.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NonRootPeerTests
{
    private const UnixFileMode WorldSearchable = (UnixFileMode)0b111_101_101;

    [Fact]
    public async Task A_non_root_user_may_read_but_is_refused_every_change()
    {
        if (!PeerProcess.CanRun)
        {
            return;
        }

        var (uid, gid, _) = await PeerProcess.EnsureAccountsAsync();
        await using var server = StartSystemServer();

        var answers = await PeerProcess.ExchangeAsync(server.SocketPath, uid, gid, [],
            """{"id":1,"op":"version"}""",
            """{"id":2,"op":"list"}""",
            """{"id":3,"op":"status","job":"ssh"}""",
            """{"id":4,"op":"log-priority"}""",
            """{"id":5,"op":"start","job":"web"}""",
            """{"id":6,"op":"stop","job":"web"}""",
            """{"id":7,"op":"emit","event":"boom"}""",
            """{"id":8,"op":"reload-configuration"}""",
            """{"id":9,"op":"set-enabled","job":"web","enabled":false}""",
            """{"id":10,"op":"log-priority","priority":"debug"}""",
            """{"id":11,"op":"reload-configuration","dryRun":true}""");

        Assert.Equal("hello", Type(answers[0]));
        Assert.Equal(["result", "result", "result", "result"], answers.Skip(1).Take(4).Select(Type));
        Assert.All(answers.Skip(5).Take(6), a => Assert.Equal("AccessDenied", a!.Value.GetProperty("error").GetProperty("code").GetString()));
        Assert.Equal("result", Type(answers[11]));
        Assert.Equal("Access denied: starting a job needs root or membership of group upstartps-testadm",
            answers[5]!.Value.GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain(server.Handler.Calls, c => c.StartsWith("start", StringComparison.Ordinal) || c.StartsWith("emit", StringComparison.Ordinal));
        Assert.Equal(uid, server.Handler.LastClient!.Uid);
        Assert.Equal("message", server.Handler.LogPriority);
    }

    [Fact]
    public async Task A_member_of_the_admin_group_may_change_things()
    {
        if (!PeerProcess.CanRun)
        {
            return;
        }

        var (uid, gid, adminGid) = await PeerProcess.EnsureAccountsAsync();
        await using var server = StartSystemServer();

        var answers = await PeerProcess.ExchangeAsync(server.SocketPath, uid, gid, [adminGid], """{"id":1,"op":"stop","job":"web"}""");

        Assert.Equal("result", Type(answers[1]));
        Assert.Contains("stop web wait=True", server.Handler.Calls);
        Assert.Contains(adminGid, server.Handler.LastClient!.SupplementaryGroups);
    }

    [Fact]
    public async Task A_session_daemon_refuses_another_user_at_the_handshake()
    {
        if (!PeerProcess.CanRun)
        {
            return;
        }

        var (uid, gid, _) = await PeerProcess.EnsureAccountsAsync();
        await using var server = TestServer.Start(path => new ControlServerOptions
        {
            SocketPath = path,
            Mode = DaemonMode.Session,
            SocketMode = (UnixFileMode)0b110_110_110,
        });
        File.SetUnixFileMode(server.Directory, WorldSearchable);

        var answers = await PeerProcess.ExchangeAsync(server.SocketPath, uid, gid, [], """{"id":1,"op":"list"}""");

        Assert.Equal("AccessDenied", answers[0]!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("Access denied: this session daemon serves only uid 0", answers[0]!.Value.GetProperty("error").GetProperty("message").GetString());
        Assert.Null(answers[1]);
        Assert.Empty(server.Handler.Calls);
    }

    [Fact]
    public async Task One_user_cannot_hold_more_than_their_share_of_connections()
    {
        if (!PeerProcess.CanRun)
        {
            return;
        }

        var (uid, gid, _) = await PeerProcess.EnsureAccountsAsync();
        await using var server = StartSystemServer(maxPerUser: 2);

        var answers = await PeerProcess.ExchangeAsync(server.SocketPath, uid, gid, [], "--connections", "3");

        // The third is told why, in its hello's place, and closed.
        Assert.Equal(["hello", "hello", "error"], answers.Select(Type));
        var refusal = answers[2]!.Value.GetProperty("error");
        Assert.Equal("TooManyConnections", refusal.GetProperty("code").GetString());
        Assert.Equal($"Too many connections: uid {uid} already has 2 open", refusal.GetProperty("message").GetString());
        await using var root = await server.ConnectAsync();
        Assert.Equal(3, (await root.ListAsync(TestServer.Deadline())).Count);
    }

    [Fact]
    public async Task A_user_hammering_a_limit_gets_one_warning_into_the_log_per_interval_not_one_per_connection()
    {
        if (!PeerProcess.CanRun)
        {
            return;
        }

        var (uid, gid, _) = await PeerProcess.EnsureAccountsAsync();
        await using var server = StartSystemServer(maxPerUser: 2);

        var answers = await PeerProcess.ExchangeAsync(server.SocketPath, uid, gid, [], "--connections", "12");

        Assert.Equal(10, answers.Count(a => Type(a) == "error"));
        lock (server.Log)
        {
            Assert.Single(server.Log, l => l.StartsWith("Refusing a control connection", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Root_still_reaches_a_daemon_whose_connections_are_all_taken()
    {
        if (!PeerProcess.CanRun)
        {
            return;
        }

        var (uid, gid, _) = await PeerProcess.EnsureAccountsAsync();
        await using var server = StartSystemServer(maxConnections: 2);
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();

        // Other users' connections filled the table: root's next one is still served, theirs is not.
        await using var root = await server.ConnectAsync();
        var user = await PeerProcess.ExchangeAsync(server.SocketPath, uid, gid, [], "--connections", "1");

        Assert.Equal(3, (await root.ListAsync(TestServer.Deadline())).Count);
        Assert.Equal("Too many connections: the daemon serves 2 at once", user[0]!.Value.GetProperty("error").GetProperty("message").GetString());
    }

    private static TestServer StartSystemServer(int maxPerUser = 64, int maxConnections = 1024)
    {
        var server = TestServer.Start(path => new ControlServerOptions
        {
            SocketPath = path,
            Authorization = ControlAuthorization.ForSystem(PeerProcess.AdminGroup),
            MaxConnectionsPerUser = maxPerUser,
            MaxConnections = maxConnections,
        });

        // The temp directory is private to root; the peer must be able to reach the socket inside it.
        File.SetUnixFileMode(server.Directory, WorldSearchable);
        return server;
    }

    private static string? Type(JsonElement? frame) => frame?.GetProperty("type").GetString();
}
