namespace UpstartHost.Hosting;

/// <summary>The control socket as the hosting layer sees it: listening once jobs are loaded, closed last.</summary>
public interface IControlEndpoint : IAsyncDisposable
{
    /// <summary>Binds and listens (the socket file exists when this returns), then serves in the background.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>The listening socket, which a re-exec keeps open for the next program; null before <see cref="StartAsync"/>.</summary>
    System.Runtime.InteropServices.SafeHandle? Listener { get; }
}
