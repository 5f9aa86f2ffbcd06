using System.Text;

namespace Upstart.JobFiles.Loading;

/// <summary>
/// A job's fingerprint (<see cref="JobCatalog.Fingerprints"/>): the paths of its .conf and .override and the
/// <see cref="ContentFingerprint"/> of the bytes of each, joined by NUL (no path holds one). The daemon's
/// definition store takes a fingerprint apart to find the files again and checks what it read against it.
/// </summary>
public static class JobFingerprint
{
    private const string None = "-";

    /// <summary>The fingerprint of files read from these paths with these contents (null: no .override).</summary>
    public static string Of(string confPath, ReadOnlySpan<byte> conf, string? overridePath, byte[]? overrideBytes) =>
        Compose(confPath, ContentFingerprint.Of(conf), overridePath, overrideBytes is null ? null : ContentFingerprint.Of(overrideBytes));

    /// <summary>
    /// The paths a fingerprint names; false for anything <see cref="Compose"/> could not have produced
    /// (a record is checked before its paths are opened).
    /// </summary>
    public static bool TryGetPaths(string fingerprint, out string confPath, out string? overridePath)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        confPath = "";
        overridePath = null;
        var parts = fingerprint.Split('\0');
        // An .override that was read but did not parse leaves a print without a path: not found again.
        if (parts.Length != 4 || !Path.IsPathFullyQualified(parts[0]) || parts[1] == None || (parts[2] == None) != (parts[3] == None))
        {
            return false;
        }

        confPath = parts[0];
        overridePath = parts[2] == None ? null : parts[2];
        return overridePath is null || Path.IsPathFullyQualified(overridePath);
    }

    /// <summary>A short hex digest of the fingerprint alone: a name for it that no job name can steer.</summary>
    public static string Digest(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return Convert.ToHexString(ContentFingerprint.Of(Encoding.UTF8.GetBytes(fingerprint))).ToLowerInvariant();
    }

    internal static string Compose(string? confPath, byte[]? confPrint, string? overridePath, byte[]? overridePrint) =>
        string.Join('\0', confPath ?? None, confPrint is null ? None : Convert.ToHexString(confPrint), overridePath ?? None, overridePrint is null ? None : Convert.ToHexString(overridePrint));
}
