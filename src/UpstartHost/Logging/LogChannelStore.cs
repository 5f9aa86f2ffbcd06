using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using UpstartHost.Processes.Native;

namespace UpstartHost.Logging;

/// <summary>
/// Keeps each `console log` pty master in systemd's file-descriptor store (sd_notify FDSTORE=1), so that
/// the job's pty outlives a daemon crash: the job's writes do not fail with EIO, and the next daemon gets
/// the master back through LISTEN_FDS and reads on (docs/daemon.md, "Restarting the daemon"). Exists only
/// when a service manager listens (NOTIFY_SOCKET) and the unit has a store (systemd sets FDSTORE= to
/// FileDescriptorStoreMax=). FDPOLL=0: the store must keep a channel whose job ended while no daemon
/// ran, so that the next one can read its last lines; the daemon removes each channel itself.
/// </summary>
internal sealed partial class LogChannelStore : IDisposable
{
    private readonly UnixDatagram socket;
    private readonly ILogger logger;
    private readonly string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private long serial;
    private int stored;
    private int warnedFull;

    private LogChannelStore(UnixDatagram socket, int capacity, ILogger logger)
    {
        this.socket = socket;
        this.logger = logger;
        Capacity = capacity;
    }

    /// <summary>How many descriptors the unit's store holds (FileDescriptorStoreMax=).</summary>
    public int Capacity { get; }

    /// <summary>
    /// The store, when <paramref name="notifySocket"/> names a socket and <paramref name="fdStore"/> (the
    /// FDSTORE variable) a positive size; null otherwise (no manager, or a unit without a store).
    /// </summary>
    public static LogChannelStore? Create(string? notifySocket, string? fdStore, ILogger logger)
    {
        if (string.IsNullOrEmpty(notifySocket)
            || !int.TryParse(fdStore, NumberStyles.None, CultureInfo.InvariantCulture, out var capacity)
            || capacity <= 0)
        {
            return null;
        }

        var socket = UnixDatagram.ConnectTo(notifySocket);
        return socket is null ? null : new LogChannelStore(socket, capacity, logger);
    }

    /// <summary>
    /// Sends <paramref name="fd"/> to the store under a new name for the instance; the name, or null when
    /// the store is full or the send failed (the channel then lives only as long as this daemon).
    /// </summary>
    public string? Keep(int fd, string job, string instance)
    {
        if (Interlocked.Increment(ref stored) > Capacity)
        {
            Interlocked.Decrement(ref stored);
            if (Interlocked.Exchange(ref warnedFull, 1) == 0)
            {
                LogStoreFull(logger, Capacity);
            }

            return null;
        }

        var number = Interlocked.Increment(ref serial).ToString(CultureInfo.InvariantCulture);
        var name = LogChannelName.For(token + "-" + number, job, instance);
        var errno = socket.Send("FDSTORE=1\nFDNAME=" + name + "\nFDPOLL=0", [fd]);
        if (errno != 0)
        {
            Interlocked.Decrement(ref stored);
            LogSendFailed(logger, name, Libc.ErrorText(errno));
            return null;
        }

        return name;
    }

    /// <summary>A channel handed over at start (store or re-exec), which this daemon reads on and will remove.</summary>
    public void Adopt(string? name)
    {
        if (name is not null)
        {
            Interlocked.Increment(ref stored);
        }
    }

    /// <summary>The channel has ended (or is not wanted): the store drops its copy.</summary>
    public void Forget(string name, bool counted = true)
    {
        if (!LogChannelName.IsValidFdName(name) || name.Length == 0)
        {
            return;
        }

        if (counted)
        {
            Interlocked.Decrement(ref stored);
        }

        var errno = socket.Send("FDSTOREREMOVE=1\nFDNAME=" + name);
        if (errno != 0)
        {
            LogSendFailed(logger, name, Libc.ErrorText(errno));
        }
    }

    public void Dispose() => socket.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The file-descriptor store is full ({Capacity}, FileDescriptorStoreMax=): further console log channels will not survive a daemon crash")]
    private static partial void LogStoreFull(ILogger logger, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unable to update the file-descriptor store for {Name}: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string name, string reason);
}
