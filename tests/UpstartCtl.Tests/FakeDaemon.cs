using UpstartPS.Protocol;
using UpstartPS.Protocol.Server;

namespace UpstartCtl.Tests;

/// <summary>
/// A control server on a fresh socket with <see cref="EnvironmentHandler"/> behind it, and upstartctl run
/// against it with a given environment: what upstartctl prints, and what the daemon was asked.
/// </summary>
internal sealed class FakeDaemon : IAsyncDisposable
{
    /// <summary>Bounds every wait, so a bug fails the test instead of hanging the run.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo directory;
    private readonly ControlServer server;

    private FakeDaemon(DirectoryInfo directory, ControlServer server, EnvironmentHandler handler)
    {
        this.directory = directory;
        this.server = server;
        Handler = handler;
    }

    public EnvironmentHandler Handler { get; }

    public static FakeDaemon Start()
    {
        var directory = Directory.CreateTempSubdirectory("ups-ctl-");
        var handler = new EnvironmentHandler();

        // Session mode serves this process's own uid, root or not: the test decides what is refused.
        var server = new ControlServer(handler, new ControlServerOptions { SocketPath = Path.Combine(directory.FullName, "s"), Mode = DaemonMode.Session });
        server.Start();
        return new FakeDaemon(directory, server, handler);
    }

    /// <summary>upstartctl invoked as initctl with ARGV against this daemon; <paramref name="environment"/> is all it sees.</summary>
    public async Task<(int Exit, string Output, string Error)> RunAsync(string[] argv, Dictionary<string, string>? environment = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Task.Run(() => Ctl.Run("initctl", ["--socket", server.SocketPath, .. argv], output, error, name => environment?.GetValueOrDefault(name)))
            .WaitAsync(Deadline);
        return (exit, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await server.StopAsync(deadline.Token);
        await server.DisposeAsync();
        directory.Delete(recursive: true);
    }
}
