namespace UpstartPS.TestSupport;

/// <summary>For tests of what happens on a full filesystem (a small tmpfs they mount): fills it up.</summary>
public static class FullDisk
{
    /// <summary>Writes zeros to <paramref name="path"/> until the filesystem refuses more (ENOSPC); false if it never did.</summary>
    public static bool Fill(string path)
    {
        // Unbuffered: a write the full disk refused leaves nothing for the close to try again.
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4096];
        try
        {
            for (var i = 0; i < 100_000; i++)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            return true;
        }

        return false;
    }
}
