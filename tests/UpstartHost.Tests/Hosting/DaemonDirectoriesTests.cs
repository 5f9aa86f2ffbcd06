using UpstartHost.Hosting;

namespace UpstartHost.Tests.Hosting;

/// <summary>
/// The daemon never changes the mode of a directory it did not create (except its own state directory,
/// which it tightens), and refuses directories others could use against it. The tests run as root, as CI does.
/// </summary>
public sealed partial class DaemonDirectoriesTests : IDisposable
{
    private const UnixFileMode Mode0755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Mode0700 = (UnixFileMode)0b111_000_000;
    private const UnixFileMode Mode0777 = (UnixFileMode)0b111_111_111;

    private readonly string root = Directory.CreateTempSubdirectory("dirs-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private DaemonSettings Settings(string socketDir, string? stateDir = null) => new()
    {
        Mode = HostMode.Session,
        Authorization = AuthorizationMode.Session,
        ConfDirs = [Path.Combine(root, "init")],
        LogDir = Path.Combine(root, "log"),
        StateDir = stateDir ?? Path.Combine(root, "state"),
        SocketPath = Path.Combine(socketDir, "control.sock"),
    };

    private string Existing(string name, UnixFileMode mode)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        File.SetUnixFileMode(dir, mode);
        return dir;
    }

    [Fact]
    public void An_existing_socket_directory_keeps_its_mode_in_session_mode()
    {
        var dir = Existing("shared", Mode0755);
        DaemonDirectories.PrepareSocketDirectory(Settings(dir));
        Assert.Equal(Mode0755, File.GetUnixFileMode(dir));
    }

    [Fact]
    public void A_sticky_world_writable_socket_directory_like_tmp_is_accepted_and_left_alone()
    {
        var dir = Existing("tmp", Mode0777 | UnixFileMode.StickyBit);
        DaemonDirectories.PrepareSocketDirectory(Settings(dir));
        Assert.Equal(Mode0777 | UnixFileMode.StickyBit, File.GetUnixFileMode(dir));
    }

    [Fact]
    public void A_socket_directory_others_may_write_is_refused_with_its_mode()
    {
        var dir = Existing("open", Mode0777);
        var e = Assert.Throws<HostUsageException>(() => DaemonDirectories.PrepareSocketDirectory(Settings(dir)));
        Assert.Equal($"{dir}: socket directory is writable by other users (mode 0777); make it 0700 or name another --socket", e.Message);
        Assert.Equal(Mode0777, File.GetUnixFileMode(dir));
    }

    [Fact]
    public void A_missing_socket_directory_is_created_private_in_session_mode()
    {
        var dir = Path.Combine(root, "new", "sock");
        DaemonDirectories.PrepareSocketDirectory(Settings(dir));
        Assert.Equal(Mode0700, File.GetUnixFileMode(dir));
    }

    [Fact]
    public void An_existing_state_directory_of_ours_is_tightened_to_0700()
    {
        var state = Existing("state", Mode0755);
        DaemonDirectories.PrepareDataDirectories(Settings(root, state));
        Assert.Equal(Mode0700, File.GetUnixFileMode(state));
    }

    [Fact]
    public void A_state_directory_others_may_write_is_refused()
    {
        var state = Existing("state", Mode0777 | UnixFileMode.StickyBit);
        var e = Assert.Throws<HostUsageException>(() => DaemonDirectories.PrepareDataDirectories(Settings(root, state)));
        Assert.Contains("state directory is writable by other users (mode 1777)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_directory_of_another_user_is_refused()
    {
        var state = Existing("state", Mode0700);
        File.SetUnixFileMode(root, Mode0755);
        Chown(state, 65534);
        var e = Assert.Throws<HostUsageException>(() => DaemonDirectories.PrepareDataDirectories(Settings(root, state)));
        Assert.Equal($"{state}: state directory belongs to another user", e.Message);
    }

    [Fact]
    public void A_log_directory_of_another_user_is_refused()
    {
        var log = Existing("log", Mode0755);
        File.SetUnixFileMode(root, Mode0755);
        Chown(log, 65534);
        var e = Assert.Throws<HostUsageException>(() => DaemonDirectories.PrepareDataDirectories(Settings(root)));
        Assert.Equal($"{log}: log directory belongs to another user (uid 65534); chown it to the daemon's user or name another --logdir", e.Message);
    }

    [Fact]
    public void A_log_directory_every_user_may_write_is_refused_even_when_sticky()
    {
        Existing("log", Mode0777 | UnixFileMode.StickyBit);
        var e = Assert.Throws<HostUsageException>(() => DaemonDirectories.PrepareDataDirectories(Settings(root)));
        Assert.Contains("log directory is writable by other users (mode 1777)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_directory_its_group_may_write_is_kept_as_it_is_with_a_warning()
    {
        const UnixFileMode mode0775 = (UnixFileMode)0b111_111_101;
        var log = Existing("log", mode0775);

        var warnings = DaemonDirectories.PrepareDataDirectories(Settings(root));

        Assert.Equal([$"{log}: log directory is writable by its group (mode 0775): members may create or replace job logs before the daemon writes them"], warnings);
        Assert.Equal(mode0775, File.GetUnixFileMode(log));
    }

    // chown(2) directly: a child process would meet this test assembly's in-process reaper.
    private static void Chown(string path, int uid) => Assert.Equal(0, NativeChown(path, uid, -1));

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "chown", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int NativeChown(string path, int owner, int group);
}
