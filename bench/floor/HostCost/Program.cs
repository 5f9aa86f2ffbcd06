using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Two idle programs in one binary, each serving one unix socket: `host` as the daemon is built (the empty
// builder, systemd integration, console logging, one hosted service), `bare` a plain accept loop. The
// difference in VmRSS is what the generic host costs at rest; the code of both is in the binary either way.
var mode = args[0];
var path = args[1];
if (mode == "host")
{
    var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Services.AddSystemd();
    builder.Logging.AddSimpleConsole();
    builder.Services.AddHostedService(_ => new Server(path));
    using var host = builder.Build();
    await host.RunAsync();
}
else
{
    await new Server(path).StartAsync(CancellationToken.None);
    await Task.Delay(Timeout.Infinite);
}

internal sealed class Server(string path) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        _ = Task.Run(
            async () =>
            {
                while (true)
                {
                    using var client = await listener.AcceptAsync(CancellationToken.None);
                }
            },
            CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
