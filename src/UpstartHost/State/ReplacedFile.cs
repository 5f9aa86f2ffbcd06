namespace UpstartHost.State;

/// <summary>
/// A file of the daemon's own state replaced whole: written beside it (0600) and renamed over it, so a
/// reader sees the old content or the new, never a torn one. No fsync: see each caller for why.
/// </summary>
internal static class ReplacedFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(bytes);
        }

        File.Move(temp, path, overwrite: true);
    }
}
