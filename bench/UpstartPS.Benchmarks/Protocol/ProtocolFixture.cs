using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Benchmarks.Protocol;

/// <summary>An in-process ControlServer with the canned handler on a fresh socket, and one connected client.</summary>
internal sealed class ProtocolFixture : IAsyncDisposable
{
    private readonly string _directory;

    private ProtocolFixture(string directory, ControlServer server, UpstartClient client)
    {
        _directory = directory;
        Server = server;
        Client = client;
    }

    public ControlServer Server { get; }

    public UpstartClient Client { get; }

    public static async Task<ProtocolFixture> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("ups-bench-").FullName;
        var server = new ControlServer(new CannedControlHandler(), new ControlServerOptions { SocketPath = Path.Combine(directory, "s") });
        server.Start();
        var client = await UpstartClient.ConnectAsync(server.SocketPath).ConfigureAwait(false);
        return new ProtocolFixture(directory, server, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(_directory, recursive: true);
    }
}
