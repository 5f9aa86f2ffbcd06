using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>A ControlServer with a fake handler on a fresh short socket path (/tmp/ups-XXXX), removed on dispose.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private TestServer(string directory, ControlServer server, FakeControlHandler handler, List<string> log)
    {
        Directory = directory;
        Server = server;
        Handler = handler;
        Log = log;
    }

    public string Directory { get; }

    public string SocketPath => Server.SocketPath;

    public ControlServer Server { get; }

    public FakeControlHandler Handler { get; }

    public List<string> Log { get; }

    /// <summary>A deadline for anything a test waits on, so a bug fails the test instead of hanging the run.</summary>
    public static CancellationToken Deadline(int seconds = 20) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public static TestServer Start(Func<string, ControlServerOptions>? configure = null, FakeControlHandler? handler = null)
    {
        var directory = NewDirectory();
        var path = Path.Combine(directory, "s");
        var options = configure?.Invoke(path) ?? new ControlServerOptions { SocketPath = path, DaemonVersion = "9.9.9" };
        var log = new List<string>();
        options = WithLog(options, log);
        handler ??= new FakeControlHandler();
        var server = new ControlServer(handler, options);
        server.Start();
        return new TestServer(directory, server, handler, log);
    }

    public static string NewDirectory() => System.IO.Directory.CreateTempSubdirectory("ups-").FullName;

    public Task<UpstartClient> ConnectAsync() => UpstartClient.ConnectAsync(SocketPath, Deadline());

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync(Deadline());
        await Server.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static ControlServerOptions WithLog(ControlServerOptions options, List<string> log) => new()
    {
        SocketPath = options.SocketPath,
        Mode = options.Mode,
        DaemonVersion = options.DaemonVersion,
        Authorization = options.Authorization,
        DirectoryMode = options.DirectoryMode,
        SocketMode = options.SocketMode,
        MaxConnections = options.MaxConnections,
        RootConnectionReserve = options.RootConnectionReserve,
        MaxConnectionsPerUser = options.MaxConnectionsPerUser,
        MaxRequestsInFlight = options.MaxRequestsInFlight,
        HandshakeTimeout = options.HandshakeTimeout,
        WriteTimeout = options.WriteTimeout,
        IdleTimeout = options.IdleTimeout,
        MaxQueuedBytesPerConnection = options.MaxQueuedBytesPerConnection,
        MaxQueuedBytesPerUser = options.MaxQueuedBytesPerUser,
        MaxRequestBytes = options.MaxRequestBytes,
        MaxResponseBytes = options.MaxResponseBytes,
        MaxConsecutiveBadRequests = options.MaxConsecutiveBadRequests,
        InlineCompletions = options.InlineCompletions,
        Handover = options.Handover,
        Listener = options.Listener,
        LogRoutine = options.LogRoutine,
        PeerWarningInterval = options.PeerWarningInterval,
        Log = (message, exception) =>
        {
            lock (log)
            {
                log.Add(exception is null ? message : $"{message}: {exception}");
            }
        },
    };
}
