using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>A system user for setuid/setgid tests, created idempotently (needs root).</summary>
public sealed class TestUserFixture
{
    public const string UserName = "upstartps-test";

    public TestUserFixture()
    {
        if (!RootFactAttribute.IsRoot)
        {
            return;
        }

        if (!File.ReadAllLines("/etc/passwd").Any(l => l.StartsWith(UserName + ":", StringComparison.Ordinal)))
        {
            var notices = new NoticeRecorder();
            using var layer = new ProcessLayer(notices);
            var result = layer.Spawn(SpawnRequests.Exec("useradd -r -M -s /usr/sbin/nologin " + UserName));
            Assert.True(result.Succeeded, result.Error);
            notices.WaitFor<ProcessExited>(result.Pid, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }

        var entry = File.ReadAllLines("/etc/passwd").Single(l => l.StartsWith(UserName + ":", StringComparison.Ordinal)).Split(':');
        Uid = entry[2];
        Gid = entry[3];
    }

    public string Uid { get; } = "";

    public string Gid { get; } = "";
}

public sealed class UserAndGroupTests(ProcessLayerFixture fixture, TestUserFixture user)
    : IClassFixture<ProcessLayerFixture>, IClassFixture<TestUserFixture>
{
    private static string StatusLine(int pid, string key) =>
        ProcessTree.ReadProcFile(pid, "status")!.Split('\n').Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    private static string[] Ids(string line) => line.Split('\t', StringSplitOptions.RemoveEmptyEntries);

    [RootFact]
    public async Task Setuid_alone_runs_as_the_user_with_the_users_primary_group()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30", c => c with { Setuid = TestUserFixture.UserName }));
        try
        {
            Assert.All(Ids(StatusLine(pid, "Uid")), id => Assert.Equal(user.Uid, id));
            Assert.All(Ids(StatusLine(pid, "Gid")), id => Assert.Equal(user.Gid, id));
            Assert.DoesNotContain("0", StatusLine(pid, "Groups").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            await fixture.KillAndReap(pid);
        }
    }

    [RootFact]
    public async Task Setgid_alone_changes_only_the_group_and_drops_supplementary_groups()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30", c => c with { Setgid = "nogroup" }));
        try
        {
            var nogroup = File.ReadAllLines("/etc/group").Single(l => l.StartsWith("nogroup:", StringComparison.Ordinal)).Split(':')[2];
            Assert.All(Ids(StatusLine(pid, "Uid")), id => Assert.Equal("0", id));
            Assert.All(Ids(StatusLine(pid, "Gid")), id => Assert.Equal(nogroup, id));
            Assert.Equal(nogroup, StatusLine(pid, "Groups"));
        }
        finally
        {
            await fixture.KillAndReap(pid);
        }
    }

    [RootFact]
    public async Task Setuid_and_setgid_together_use_the_given_group()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30", c => c with { Setuid = TestUserFixture.UserName, Setgid = "nogroup" }));
        try
        {
            var nogroup = File.ReadAllLines("/etc/group").Single(l => l.StartsWith("nogroup:", StringComparison.Ordinal)).Split(':')[2];
            Assert.All(Ids(StatusLine(pid, "Uid")), id => Assert.Equal(user.Uid, id));
            Assert.All(Ids(StatusLine(pid, "Gid")), id => Assert.Equal(nogroup, id));
        }
        finally
        {
            await fixture.KillAndReap(pid);
        }
    }

    [RootFact]
    public async Task Setuid_and_setgid_together_base_the_supplementary_groups_on_the_given_group_not_the_users_primary_one()
    {
        // Upstart: initgroups(user, setgid group), so `setuid app` + `setgid adm` has adm, not app's own group.
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30", c => c with { Setuid = TestUserFixture.UserName, Setgid = "nogroup" }));
        try
        {
            var nogroup = File.ReadAllLines("/etc/group").Single(l => l.StartsWith("nogroup:", StringComparison.Ordinal)).Split(':')[2];
            var groups = StatusLine(pid, "Groups").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(nogroup, groups);
            Assert.DoesNotContain(user.Gid, groups);
        }
        finally
        {
            await fixture.KillAndReap(pid);
        }
    }

    [RootFact]
    public async Task With_chroot_the_user_and_groups_are_the_new_roots_not_the_hosts()
    {
        // Upstart 1.13 looks the names up after chroot: a user only the root knows, and the host's test user with
        // other ids there, run as the root's /etc/passwd and /etc/group say.
        var root = Directory.CreateTempSubdirectory("ups-chroot-users-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101); // the users must reach /pause in it
        try
        {
            File.Copy(Path.Combine(TestPrograms.Instance.ChrootDirectory, "pause"), Path.Combine(root, "pause"));
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            File.WriteAllText(Path.Combine(root, "etc", "passwd"), $"root:x:0:0::/:/bin/sh\nonlyhere:x:4242:4243::/:/bin/sh\n{TestUserFixture.UserName}:x:5555:5556::/:/bin/sh\n");
            File.WriteAllText(Path.Combine(root, "etc", "group"), $"onlyhere:x:4243:\nextra:x:4244:onlyhere,{TestUserFixture.UserName}\nmine:x:5556:\n");

            Assert.Equal(("4242", "4243", "4243 4244"), await IdsInRoot(root, c => c with { Setuid = "onlyhere" }));
            Assert.Equal(("5555", "4243", "4243 4244"), await IdsInRoot(root, c => c with { Setuid = TestUserFixture.UserName, Setgid = "onlyhere" }));
            // A user of the host that the root does not know.
            var missing = await fixture.Spawn(SpawnRequests.Exec("/pause", c => c with { Chroot = root, Setuid = "nobody" }));
            Assert.Equal("unable to find setuid user", missing.Error);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [RootFact]
    public async Task With_chroot_symlinks_to_the_user_files_resolve_inside_the_new_root_never_on_the_host()
    {
        // After chroot(2) Upstart's lookup could not leave the root: an absolute link is the root's own path and
        // ".." stops at the root. Links that would reach the host's files must do the same here.
        var root = Directory.CreateTempSubdirectory("ups-chroot-links-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var onlyInRoot = "/upstartps-users-" + Path.GetFileName(root);
        Assert.False(Path.Exists(onlyInRoot));
        try
        {
            File.Copy(Path.Combine(TestPrograms.Instance.ChrootDirectory, "pause"), Path.Combine(root, "pause"));
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            Directory.CreateDirectory(root + onlyInRoot);
            File.WriteAllText(Path.Combine(root + onlyInRoot, "passwd"), "onlyhere:x:4242:4243::/:/bin/sh\n");
            File.WriteAllText(Path.Combine(root, "groups-at-the-top"), "onlyhere:x:4243:\n");
            File.CreateSymbolicLink(Path.Combine(root, "etc", "passwd"), onlyInRoot + "/passwd");
            File.CreateSymbolicLink(Path.Combine(root, "etc", "group"), "../../../../../../../../../groups-at-the-top");

            Assert.Equal(("4242", "4243", "4243"), await IdsInRoot(root, c => c with { Setuid = "onlyhere" }));

            // A link to /etc/passwd is the root's own file, here itself: a loop, never the host's users.
            File.Delete(Path.Combine(root, "etc", "passwd"));
            File.CreateSymbolicLink(Path.Combine(root, "etc", "passwd"), "/etc/passwd");
            var hostUser = await fixture.Spawn(SpawnRequests.Exec("/pause", c => c with { Chroot = root, Setuid = "nobody" }));
            Assert.Equal("unable to getpwnam: Too many levels of symbolic links", hostUser.Error);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private async Task<(string Uid, string Gid, string Groups)> IdsInRoot(string root, Func<Upstart.JobFiles.Model.JobClassConfig, Upstart.JobFiles.Model.JobClassConfig> configure)
    {
        var pid = fixture.Start(SpawnRequests.Exec("/pause", c => configure(c with { Chroot = root })));
        try
        {
            return (Ids(StatusLine(pid, "Uid"))[0], Ids(StatusLine(pid, "Gid"))[0], StatusLine(pid, "Groups"));
        }
        finally
        {
            await fixture.KillAndReap(pid);
        }
    }
}

/// <summary>A fact that is skipped, saying why, when the tests do not run as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!IsRoot)
        {
            Skip = "needs root: creates the user " + TestUserFixture.UserName + " and changes user and group ids";
        }
    }

    public static bool IsRoot { get; } =
        File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t')[1] == "0");
}
