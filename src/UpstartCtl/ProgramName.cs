namespace UpstartCtl;

/// <summary>
/// The name we were invoked as (initctl(8): "PROG is the name initctl was invoked as"). The .NET
/// apphost resolves symlinks to find its assembly, so argv[0] is read from /proc/self/cmdline, which
/// still holds `start` for a symlink named start.
/// </summary>
public static class ProgramName
{
    public static string Current()
    {
        try
        {
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            var end = Array.IndexOf(cmdline, (byte)0);
            var argv0 = System.Text.Encoding.UTF8.GetString(cmdline, 0, end < 0 ? cmdline.Length : end);
            var name = Path.GetFileName(argv0);

            // `dotnet upstartctl.dll` runs as dotnet: the assembly is who we are then.
            if (name is "dotnet" or "")
            {
                return "upstartctl";
            }

            return name.EndsWith(".dll", StringComparison.Ordinal) ? Path.GetFileNameWithoutExtension(name) : name;
        }
        catch (IOException)
        {
            return "upstartctl";
        }
    }
}
