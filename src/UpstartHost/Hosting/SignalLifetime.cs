using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UpstartHost.Processes.Native;

namespace UpstartHost.Hosting;

/// <summary>
/// The daemon's signals, in place of the generic host's ConsoleLifetime. SIGTERM/SIGINT begin an
/// orderly shutdown (DaemonService stops every job honouring pre-stop and kill timeout); a second
/// signal is logged and ignored, so kill timeouts are never skipped (init(8) behaves the same).
/// Under a service manager it runs beside Microsoft.Extensions.Hosting.Systemd's lifetime, which takes SIGTERM
/// alone (<see cref="ServiceManagerLifetime"/>); SIGHUP is <see cref="HangupSignal"/>'s either way.
/// </summary>
public sealed partial class SignalLifetime : IHostLifetime, IDisposable
{
    private const int SigTerm = 15;

    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger<SignalLifetime> logger;
    private readonly List<PosixSignalRegistration> registrations = [];
    private int stopRequests;

    public SignalLifetime(IHostApplicationLifetime lifetime, ILogger<SignalLifetime> logger)
    {
        this.lifetime = lifetime;
        this.logger = logger;
    }

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        // SIGTERM is how init scripts, kill(1) and service managers stop the daemon: taken even when the
        // parent left it ignored (the NativeAOT runtime would keep it ignored; the JIT one does not).
        // SIGINT and SIGQUIT stay ignored if they were: that is how a shell keeps ^C at the terminal away
        // from a daemon it started in the background. (systemd resets every signal for its services.)
        SignalDisposition.StopIgnoring(SigTerm);
        registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStop));
        registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStop));
        registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnStop));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private void OnStop(PosixSignalContext context)
    {
        // Never let the runtime's default action terminate the process: the jobs must be stopped first.
        context.Cancel = true;
        if (Interlocked.Increment(ref stopRequests) == 1)
        {
            LogStopping(logger, context.Signal);
            lifetime.StopApplication();
        }
        else
        {
            LogAlreadyStopping(logger, context.Signal);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Signal}: stopping every job")]
    private static partial void LogStopping(ILogger logger, PosixSignal signal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Signal} again: already stopping, still honouring every job's kill timeout")]
    private static partial void LogAlreadyStopping(ILogger logger, PosixSignal signal);
}
