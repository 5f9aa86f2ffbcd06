namespace UpstartPS.TestSupport;

/// <summary>The fixture's job files and the daemon's log files.</summary>
public sealed partial class DaemonFixture
{
    public void WriteJob(string name, string text)
    {
        var path = Path.Combine(ConfDir, name + ".conf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Write then rename, as an editor would: the watcher never sees half a file.
        var temp = Path.Combine(ConfDir, "." + Guid.NewGuid().ToString("N"));
        File.WriteAllText(temp, text);

        // 0644 whatever the umask: a system daemon refuses job files a group or others may write.
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temp, path, overwrite: true);
    }

    public void DeleteJob(string name) => File.Delete(Path.Combine(ConfDir, name + ".conf"));

    public string ReadLog(string job, string instance = "")
    {
        var path = UpstartHost.Logging.LogFileName.For(LogDir, job, instance);
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }
}
