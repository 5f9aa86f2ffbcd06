using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Loading;

namespace UpstartHost.State;

/// <summary>
/// `STATE_DIR/definitions/`: the exact bytes of the job files each running instance's definition was read
/// from, one entry per job fingerprint (<see cref="JobFingerprint"/>), so that a later daemon resumes an
/// instance under the definition it runs under even when its file has changed since (docs/daemon.md,
/// "Restarting the daemon"). An entry is named by a digest of the fingerprint alone: a job name never
/// reaches a file name. Used by the state writer's thread and at restore, never by the engine's.
/// </summary>
public sealed partial class DefinitionStore
{
    public const string DirectoryName = "definitions";

    /// <summary>Two files at the loader's limit, base64 (4/3) in JSON, with room to spare.</summary>
    private const long MaxEntryBytes = 4L * JobFileSource.MaxBytes;

    private readonly string directory;
    private readonly JobFileTrust trust;
    private readonly ILogger logger;

    /// <param name="trust">What the loader accepts (system mode: root's files only): the store reads no file the loader would refuse.</param>
    public DefinitionStore(string stateDir, JobFileTrust trust, ILogger logger)
    {
        directory = DirectoryIn(stateDir);
        this.trust = trust;
        this.logger = logger;
    }

    public static string DirectoryIn(string stateDir) => Path.Combine(stateDir, DirectoryName);

    /// <summary>After a clean stop no instance is left to resume under a stored definition.</summary>
    public static void Delete(string stateDir)
    {
        try
        {
            Directory.Delete(DirectoryIn(stateDir), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public string PathOf(string fingerprint) => Path.Combine(directory, JobFingerprint.Digest(fingerprint));

    /// <summary>
    /// Reads the files <paramref name="fingerprint"/> names, under the loader's guards, and keeps them if they
    /// still are what was loaded. False when nothing was stored: a file changed (or went) since it was loaded,
    /// which only means the instance will resume under whatever the file then says.
    /// </summary>
    public bool TryStore(string fingerprint) => TryStore(fingerprint, out _);

    /// <summary>As <see cref="TryStore(string)"/>; <paramref name="worthRetrying"/> says the entry could not be written
    /// (a full or read-only state directory), so asking again later may store it; <paramref name="logFailure"/> false
    /// keeps such a failure out of the log (a retry of one already reported).</summary>
    public bool TryStore(string fingerprint, out bool worthRetrying, bool logFailure = true)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        worthRetrying = false;
        var path = PathOf(fingerprint);
        if (File.Exists(path))
        {
            return true;
        }

        if (!JobFingerprint.TryGetPaths(fingerprint, out var confPath, out var overridePath))
        {
            return false;
        }

        var diagnostics = new List<Diagnostic>();
        var conf = JobFileSource.ReadBytes(confPath, diagnostics, trust, out _);
        var overrideBytes = overridePath is null ? null : JobFileSource.ReadBytes(overridePath, diagnostics, trust, out _);
        if (conf is null || (overridePath is not null && overrideBytes is null)
            || JobFingerprint.Of(confPath, conf, overridePath, overrideBytes) != fingerprint)
        {
            LogChangedSinceLoad(logger, confPath);
            return false;
        }

        try
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new DefinitionEntry(fingerprint, conf, overrideBytes), DefinitionJsonContext.Default.DefinitionEntry);
            ReplacedFile.Write(path, bytes);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (logFailure)
            {
                LogStoreFailed(logger, path, e.Message);
            }

            worthRetrying = true;
            return false;
        }
    }

    /// <summary>
    /// The stored files for <paramref name="fingerprint"/>, or null when there is no entry or it is not what
    /// the fingerprint says (damaged, or another fingerprint with the same digest): never a wrong definition.
    /// </summary>
    public StoredDefinition? TryLoad(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (!JobFingerprint.TryGetPaths(fingerprint, out var confPath, out var overridePath))
        {
            return null;
        }

        DefinitionEntry? entry;
        try
        {
            var path = PathOf(fingerprint);
            if (new FileInfo(path).Length > MaxEntryBytes)
            {
                return null;
            }

            entry = JsonSerializer.Deserialize(File.ReadAllBytes(path), DefinitionJsonContext.Default.DefinitionEntry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }

        if (entry is not { Conf: { } conf } || entry.Fingerprint != fingerprint
            || (overridePath is null) != (entry.Override is null)
            || JobFingerprint.Of(confPath, conf, overridePath, entry.Override) != fingerprint)
        {
            return null;
        }

        return new StoredDefinition(confPath, conf, overridePath, entry.Override);
    }

    /// <summary>Removes every entry no fingerprint in <paramref name="referenced"/> names (and any leftover temporary file).</summary>
    public void Prune(IReadOnlySet<string> referenced)
    {
        ArgumentNullException.ThrowIfNull(referenced);
        var keep = referenced.Select(JobFingerprint.Digest).ToHashSet(StringComparer.Ordinal);
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                if (!keep.Contains(Path.GetFileName(file)))
                {
                    File.Delete(file);
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStoreFailed(logger, directory, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Not storing the definition read from {Path}: the files changed since they were loaded")]
    private static partial void LogChangedSinceLoad(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot store job definitions in {Path}: {Reason}; a daemon restart resumes changed jobs under their new files")]
    private static partial void LogStoreFailed(ILogger logger, string path, string reason);
}

/// <summary>The files a definition was read from, as they were then (paths from the fingerprint).</summary>
public sealed record StoredDefinition(string ConfPath, byte[] Conf, string? OverridePath, byte[]? Override);

internal sealed record DefinitionEntry(string? Fingerprint, byte[]? Conf, byte[]? Override);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DefinitionEntry))]
internal sealed partial class DefinitionJsonContext : JsonSerializerContext;
