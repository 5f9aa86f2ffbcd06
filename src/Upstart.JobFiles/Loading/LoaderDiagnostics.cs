namespace Upstart.JobFiles.Loading;

/// <summary>Diagnostic kinds the loader adds to the parser's (beyond Upstart, which only logs).</summary>
public static class LoaderDiagnostics
{
    public const string BadJobName = "bad-job-name";
    public const string SymlinkNotSupported = "symlink-not-supported";
    public const string FileTooLarge = "file-too-large";
    public const string ReadError = "read-error";
    public const string NotRegularFile = "not-a-regular-file";
    public const string UnsafeOwnership = "unsafe-ownership";
    public const string TooManyFiles = "too-many-files";
}
