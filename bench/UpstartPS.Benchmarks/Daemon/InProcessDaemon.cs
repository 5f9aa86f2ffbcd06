using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.Configuration;
using UpstartHost.Control;
using UpstartHost.State;
using UpstartPS.Benchmarks.Supervision;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Benchmarks.Daemon;

/// <summary>
/// The daemon's control path in this process: a real engine and process layer (<see cref="SupervisedEngine"/>),
/// the daemon's <see cref="DaemonControl"/> over them and a <see cref="ControlServer"/> on a temp socket, as
/// the daemon composes them. In one process, so a harness can count what a request allocates and costs in CPU.
/// </summary>
internal sealed class InProcessDaemon : IAsyncDisposable
{
    private readonly SupervisedEngine supervised;
    private readonly ControlServer server;

    private InProcessDaemon(SupervisedEngine supervised, ControlServer server)
    {
        this.supervised = supervised;
        this.server = server;
    }

    public UpstartHost.Engine.JobEngine Engine => supervised.Engine;

    public SupervisedEngine Supervised => supervised;

    public string SocketPath => server.SocketPath;

    public static async Task<InProcessDaemon> StartAsync(IEnumerable<(string Name, string Text)> jobs)
    {
        var supervised = await SupervisedEngine.StartAsync(jobs).ConfigureAwait(false);
        var state = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(supervised.ConfigDirectory)!, "state")).FullName;
        var store = new AdminStateStore(state, NullLogger.Instance);
        store.Load();
        var configuration = new JobConfiguration([supervised.ConfigDirectory], supervised.Engine, store, NullLogger<JobConfiguration>.Instance);
        await configuration.ReloadAsync(false).ConfigureAwait(false);
        var authorization = ControlAuthorization.ForSession(OwnUid());
        var control = new DaemonControl(
            supervised.Engine, configuration, store, new JobLogTail(supervised.LogDirectory), new WatchHub(), new LogPriority(), ["startup"], authorization);
        var server = new ControlServer(control, new ControlServerOptions
        {
            SocketPath = Path.Combine(state, "control.sock"),
            Mode = DaemonMode.Session,
            Authorization = authorization,

            // UPSTARTPS_BENCH_INLINE=0 measures reads handed to the pool (host.json controlInlineCompletions=false).
            InlineCompletions = Environment.GetEnvironmentVariable("UPSTARTPS_BENCH_INLINE") != "0",
        });
        server.Start();
        return new InProcessDaemon(supervised, server);
    }

    public BlockingUpstartClient ConnectBlocking() =>
        BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = SocketPath });

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync().ConfigureAwait(false);
        await supervised.DisposeAsync().ConfigureAwait(false);
    }

    private static uint OwnUid() => uint.Parse(
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1],
        System.Globalization.CultureInfo.InvariantCulture);
}
