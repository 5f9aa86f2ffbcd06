using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;

namespace UpstartPS.TestSupport;

/// <summary>When the started daemon counts as ready: it answers a version request; optionally, it said READY=1 first.</summary>
public sealed partial class DaemonFixture
{
    /// <summary>
    /// Plays systemd: the daemon gets a private NOTIFY_SOCKET and <see cref="StartAsync"/> waits for its READY=1
    /// (then <see cref="StartToReady"/> holds process start to that notice, what the cold-start benchmark reports).
    /// Leave it off when a test sets NOTIFY_SOCKET itself.
    /// </summary>
    public bool ReadyByNotify { get; set; }

    /// <summary>With <see cref="ReadyByNotify"/>: from process start to READY=1 of the last start.</summary>
    public TimeSpan StartToReady { get; private set; }

    private async Task<UpstartClient> WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"upstart-host exited with {process.ExitCode} before it was ready:\n{DaemonOutput}");
            }

            if (File.Exists(SocketPath))
            {
                try
                {
                    var connected = await UpstartClient.ConnectAsync(SocketPath, cancellationToken);
                    await connected.GetVersionAsync(cancellationToken);
                    return connected;
                }
                catch (Exception e) when (e is UpstartException or IOException or SocketException)
                {
                    // Bound but not serving yet.
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"upstart-host was not ready within {ReadyTimeout}:\n{DaemonOutput}");
            }

            // Waiting for the socket to appear: poll briefly; the connection itself is the readiness signal.
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>A datagram socket bound where NOTIFY_SOCKET points, read until READY=1 arrives.</summary>
    private sealed class ReadinessNotice : IDisposable
    {
        private readonly Socket socket;

        private ReadinessNotice(Socket socket) => this.socket = socket;

        public static ReadinessNotice Listen(string path, ProcessStartInfo info)
        {
            File.Delete(path);
            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(path));
            info.Environment["NOTIFY_SOCKET"] = path;
            return new ReadinessNotice(socket);
        }

        public async Task WaitAsync(Process process, TimeSpan timeout, Func<string> output, CancellationToken cancellationToken)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(timeout);

            // A daemon that dies before READY=1 ends the wait at once rather than at the timeout.
            var exit = process.WaitForExitAsync(bound.Token);
            var buffer = new byte[4096];
            while (true)
            {
                var receive = socket.ReceiveAsync(buffer, SocketFlags.None, bound.Token).AsTask();
                if (await Task.WhenAny(receive, exit) == exit && exit.IsCompletedSuccessfully)
                {
                    throw new InvalidOperationException($"upstart-host exited with {process.ExitCode} before READY=1:\n{output()}");
                }

                int n;
                try
                {
                    n = await receive;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException($"upstart-host sent no READY=1 within {timeout}:\n{output()}");
                }

                if (Encoding.UTF8.GetString(buffer, 0, n).Split('\n').Contains("READY=1"))
                {
                    return;
                }
            }
        }

        public void Dispose() => socket.Dispose();
    }
}
