using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace UpstartHost.State;

/// <summary>
/// Loads and saves <see cref="AdminState"/> as `STATE_DIR/admin-state.json`. A write goes to a temp
/// file in the same directory, is fsync'd, renamed over the old file and the directory fsync'd, so a
/// crash or power cut leaves either the old or the new state, never a torn file.
/// </summary>
public sealed partial class AdminStateStore
{
    public const string FileName = "admin-state.json";

    private readonly string directory;
    private readonly ILogger logger;
    private readonly Lock writeLock = new();
    private AdminState current = AdminState.Empty;

    public AdminStateStore(string directory, ILogger logger)
    {
        this.directory = directory;
        this.logger = logger;
        FilePath = Path.Combine(directory, FileName);
    }

    public string FilePath { get; }

    public AdminState Current => Volatile.Read(ref current);

    /// <summary>
    /// Reads the file. A missing file is the empty state; a corrupt one is logged, kept aside as
    /// `admin-state.json.corrupt` for the administrator, and treated as empty (bad input never stops the daemon).
    /// A file written by an older daemon is migrated (<see cref="Migrate"/>).
    /// </summary>
    public AdminState Load()
    {
        AdminState loaded;
        try
        {
            var bytes = File.ReadAllBytes(FilePath);
            var file = JsonSerializer.Deserialize(bytes, AdminStateJsonContext.Default.AdminStateFile)
                ?? throw new JsonException("empty document");
            loaded = new AdminState { Disabled = AdminState.Empty.Disabled.Union(file.Disabled ?? []) };
            if (file.Version < AdminState.CurrentVersion)
            {
                Migrate(file, loaded);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            loaded = AdminState.Empty;
        }
        catch (JsonException e)
        {
            LogCorrupt(logger, FilePath, e.Message);
            TryKeepAside();
            loaded = AdminState.Empty;
        }

        Volatile.Write(ref current, loaded);
        return loaded;
    }

    /// <summary>Applies <paramref name="change"/> and persists it before returning (serialised: one writer at a time).</summary>
    public AdminState Update(Func<AdminState, AdminState> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (writeLock)
        {
            var before = Current;
            var after = change(before);
            if (!after.Equivalent(before))
            {
                Write(after);
            }

            Volatile.Write(ref current, after);
            return after;
        }
    }

    private void Write(AdminState state)
    {
        Directory.CreateDirectory(directory);
        var file = new AdminStateFile(AdminState.CurrentVersion, [.. state.Disabled]);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(file, AdminStateJsonContext.Default.AdminStateFile);
        var temp = Path.Combine(directory, $".{FileName}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, FilePath, overwrite: true);
        SyncDirectory(directory);
    }

    /// <summary>
    /// Version 1 files held "stopped" marks: a stop by an administrator suspended the job's `start on` for
    /// good. A stop is Upstart's stop again (the next matching event may start the job), so the marks are
    /// dropped, with one log line naming the jobs so an administrator who meant "keep it down" can
    /// `disable` them, and the file is rewritten at once so the line is not repeated at every start.
    /// </summary>
    private void Migrate(AdminStateFile file, AdminState loaded)
    {
        var dropped = (file.Stopped ?? []).Where(name => !string.IsNullOrEmpty(name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (dropped.Count > 0)
        {
            LogStoppedMarksDropped(logger, FilePath, file.Version, dropped.Count, string.Join(", ", dropped.Select(Printable)));
        }

        try
        {
            lock (writeLock)
            {
                Write(loaded);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The old file still loads the same way next time; the daemon runs on with the migrated state.
            LogMigrationNotWritten(logger, FilePath, e.Message);
        }
    }

    /// <summary>A name from the file as one log line can hold it: control characters (a forged line break) escaped.</summary>
    private static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? $"\\u{(int)c:X4}" : c.ToString()));

    private void TryKeepAside()
    {
        try
        {
            File.Copy(FilePath, FilePath + ".corrupt", overwrite: true);
        }
        catch (IOException)
        {
            // Keeping the evidence is a courtesy; failing to is not a reason to stop.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>fsync the directory so the rename itself is durable (rename(2) alone is not).</summary>
    private static void SyncDirectory(string path)
    {
        var fd = open(path, 0x10000 /* O_DIRECTORY */ | 0x80000 /* O_CLOEXEC */);
        if (fd < 0)
        {
            return;
        }

        _ = fsync(fd);
        _ = close(fd);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc")]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path}: unreadable admin state ({Reason}); kept as .corrupt, starting with none")]
    private static partial void LogCorrupt(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: version {Version} admin state; dropped the stopped mark of {Count} job(s), which events may start again (disable a job to keep it down): {Jobs}")]
    private static partial void LogStoppedMarksDropped(ILogger logger, string path, int version, int count, string jobs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: could not rewrite the migrated admin state ({Reason}); it is migrated again at the next start")]
    private static partial void LogMigrationNotWritten(ILogger logger, string path, string reason);
}
