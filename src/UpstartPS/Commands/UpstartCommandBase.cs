using System.Management.Automation;
using UpstartPS.Connection;
using UpstartPS.Errors;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Commands;

/// <summary>
/// The bottom of the ladder (as ServiceBaseCommand in PowerShell's Service.cs): which daemon to talk
/// to, one connection per command, Ctrl+C, and turning failures into ErrorRecords. A failure that
/// leaves nothing else able to succeed (daemon unreachable, access denied) terminates; everything
/// else is written per item and the pipeline goes on.
/// </summary>
public abstract class UpstartCommandBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private UpstartClient? _client;
    private string? _socketPath;

    /// <summary>The daemon's control socket; default: $env:UPSTARTPS_SOCKET, else the session daemon's, else the system one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SocketPath { get; set; }

    /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <summary>
    /// The socket in use, resolved once per command. -SocketPath is a path like any other: relative to the
    /// PowerShell location (Set-Location), `~` expanded, PSDrives allowed.
    /// </summary>
    protected string ResolvedSocketPath => _socketPath ??= SocketLocation.Resolve(
        SocketPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(SocketPath));

    /// <summary>
    /// The connection, opened on first use; failing to open it terminates the command. A connection the daemon
    /// has closed meanwhile (a pipeline that paused longer than its idle timeout, host.json
    /// controlIdleTimeoutSeconds) is replaced by a new one here, before any request is sent on it. A request
    /// that was sent is never sent again: if the connection breaks under it, that failure is reported.
    /// </summary>
    protected UpstartClient Client
    {
        get
        {
            if (_client is { IsConnected: false })
            {
                Disconnect();
            }

            if (_client is null)
            {
                var path = ResolvedSocketPath;
                try
                {
                    _client = Call(ct => UpstartClient.ConnectAsync(path, ct), Blocking.Slice * 5);
                }
                catch (Exception ex) when (IsFailure(ex))
                {
                    var failure = FailureMapping.FromException(ex, path);
                    Report(failure with { Terminating = true }, path, null, ex);
                    throw; // Unreachable: Report terminates.
                }
            }

            return _client;
        }
    }

    /// <summary>Drops the connection (the daemon closed it: idle timeout, re-exec); the next use of <see cref="Client"/> connects again.</summary>
    protected void Disconnect()
    {
        _client?.Dispose();
        _client = null;
    }

    /// <summary>Runs a daemon call on the pipeline thread; Ctrl+C becomes PipelineStoppedException.</summary>
    protected T Call<T>(Func<CancellationToken, Task<T>> operation, TimeSpan? timeout = null, Action? heartbeat = null)
    {
        try
        {
            return Blocking.Run(operation, StopToken, timeout, heartbeat);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Runs a daemon call; ANY failure is reported (per item, or terminating when fatal) and null returned.</summary>
    protected T? TryCall<T>(string? target, Func<CancellationToken, Task<T>> operation, TimeSpan? timeout = null, Action? heartbeat = null)
        where T : class
    {
        try
        {
            return Call(operation, timeout, heartbeat);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            ReportException(ex, target);
            return null;
        }
    }

    /// <summary>Reads a live stream item by item on the pipeline thread.</summary>
    protected IEnumerable<T> Read<T>(Func<CancellationToken, IAsyncEnumerable<T>> open, TimeSpan? timeout = null)
    {
        using var items = Streams.Read(open, StopToken, timeout).GetEnumerator();
        while (true)
        {
            try
            {
                if (!items.MoveNext())
                {
                    yield break;
                }
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            yield return items.Current;
        }
    }

    /// <summary>Maps any exception met while acting on <paramref name="target"/> and reports it.</summary>
    protected void ReportException(Exception exception, string? target, object? targetObject = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Report(FailureMapping.FromException(exception, ResolvedSocketPath, target), targetObject ?? target, target, exception);
    }

    /// <summary>Writes the failure as a non-terminating error, or terminates when it is fatal.</summary>
    protected void Report(UpstartFailure failure, object? targetObject, string? jobName, Exception? inner = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var record = new ErrorRecord(new UpstartCommandException(failure.Message, jobName, inner), failure.ErrorId, failure.Category, targetObject);
        if (failure.Terminating)
        {
            ThrowTerminatingError(record);
        }

        WriteError(record);
    }

    /// <summary>
    /// True for a failure to report; false for PowerShell's own control flow (a stop, -ErrorAction Stop,
    /// a terminating error already thrown), which derives from RuntimeException and must pass through.
    /// </summary>
    internal static bool IsFailure(Exception exception) => exception is not RuntimeException;

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _client?.Dispose();
            _client = null;
            _stopping.Dispose();
        }
    }
}
