using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>The policy on its own: who may read, who may change, and what a refusal says.</summary>
public sealed class ControlAuthorizationTests
{
    private const uint AdminGid = 990;
    private static readonly FakeUsers Users = new(new GroupEntry("upstartps", AdminGid, ["alice"]), new Dictionary<uint, string> { [1000] = "alice", [1001] = "bob" });

    private static readonly ControlOperation[] Reads =
    [
        ControlOperation.Version, ControlOperation.List, ControlOperation.Status, ControlOperation.CheckConfig,
        ControlOperation.ShowConfig, ControlOperation.Diagnostics, ControlOperation.GetLogPriority, ControlOperation.ReadLog,
        ControlOperation.Watch, ControlOperation.PreviewConfiguration, ControlOperation.Await,
    ];

    private static readonly ControlOperation[] Changes =
    [
        ControlOperation.Start, ControlOperation.Stop, ControlOperation.Restart, ControlOperation.Reload, ControlOperation.Emit,
        ControlOperation.ReloadConfiguration, ControlOperation.SetEnabled, ControlOperation.SetLogPriority, ControlOperation.ReExec,
        ControlOperation.SetEnvironment, ControlOperation.UnsetEnvironment, ControlOperation.ResetEnvironment,
        ControlOperation.NotifyDiskWriteable,
    ];

    /// <summary>Reads only administrators may make in system mode: a job environment holds what its start request carried.</summary>
    private static readonly ControlOperation[] AdministratorReads = [ControlOperation.ListEnvironment, ControlOperation.GetEnvironment];

    [Fact]
    public void Every_operation_is_either_a_read_or_a_change()
    {
        Assert.Equal(Enum.GetValues<ControlOperation>().Order(), Reads.Concat(AdministratorReads).Concat(Changes).Order());
        Assert.All(Changes, op => Assert.True(ControlAuthorization.IsMutating(op)));
        Assert.All(Reads.Concat(AdministratorReads), op => Assert.False(ControlAuthorization.IsMutating(op)));
    }

    [Fact]
    public void In_system_mode_only_administrators_may_read_a_job_environment_and_in_a_session_the_owner_may()
    {
        var policy = ControlAuthorization.ForSystem("upstartps", Users);
        var bob = new ClientIdentity(10, 1001, 1001, []);

        Assert.Equal("Access denied: reading a job environment needs root or membership of group upstartps", policy.Refuse(bob, ControlOperation.ListEnvironment));
        Assert.Equal("Access denied: changing a job environment needs root or membership of group upstartps", policy.Refuse(bob, ControlOperation.SetEnvironment));
        Assert.All(AdministratorReads, op => Assert.NotNull(policy.Refuse(bob, op)));
        Assert.All(AdministratorReads, op => Assert.Null(policy.Refuse(new ClientIdentity(10, 1000, 1000, []), op)));
        Assert.All(AdministratorReads.Concat(Changes), op => Assert.Null(ControlAuthorization.ForSession(1001).Refuse(bob, op)));
    }

    [Fact]
    public void In_system_mode_anyone_may_read()
    {
        var policy = ControlAuthorization.ForSystem("upstartps", Users);
        var nobody = new ClientIdentity(10, 65534, 65534, []);

        Assert.Null(policy.RefuseConnection(nobody));
        Assert.All(Reads, op => Assert.Null(policy.Refuse(nobody, op)));
    }

    [Fact]
    public void In_system_mode_an_ordinary_user_may_change_nothing()
    {
        var policy = ControlAuthorization.ForSystem("upstartps", Users);
        var bob = new ClientIdentity(10, 1001, 1001, [100, 27]);

        Assert.All(Changes, op => Assert.StartsWith("Access denied:", policy.Refuse(bob, op)));
        Assert.Equal("Access denied: starting a job needs root or membership of group upstartps", policy.Refuse(bob, ControlOperation.Start));
    }

    [Fact]
    public void Root_may_change_anything()
    {
        var policy = ControlAuthorization.ForSystem(users: Users);

        Assert.All(Changes, op => Assert.Null(policy.Refuse(new ClientIdentity(1, 0, 0, []), op)));
    }

    [Fact]
    public void Without_an_admin_group_only_root_may_change_things()
    {
        var policy = ControlAuthorization.ForSystem(null, Users);
        var alice = new ClientIdentity(10, 1000, 1000, [AdminGid]);

        Assert.Equal("Access denied: emitting an event needs root", policy.Refuse(alice, ControlOperation.Emit));
    }

    [Fact]
    public void The_admin_group_counts_as_primary_group()
    {
        var policy = ControlAuthorization.ForSystem("upstartps", Users);

        Assert.Null(policy.Refuse(new ClientIdentity(10, 1001, AdminGid, []), ControlOperation.Stop));
    }

    [Fact]
    public void The_admin_group_counts_as_a_supplementary_group_of_the_peer()
    {
        var policy = ControlAuthorization.ForSystem("upstartps", Users);

        Assert.Null(policy.Refuse(new ClientIdentity(10, 1001, 1001, [27, AdminGid]), ControlOperation.Stop));
    }

    [Fact]
    public void The_admin_group_counts_when_etc_group_lists_the_user()
    {
        var policy = ControlAuthorization.ForSystem("upstartps", Users);

        Assert.Null(policy.Refuse(new ClientIdentity(10, 1000, 1000, []), ControlOperation.Restart));
    }

    [Fact]
    public void The_admin_group_may_be_given_by_number()
    {
        var policy = ControlAuthorization.ForSystem("990", Users);

        Assert.Null(policy.Refuse(new ClientIdentity(10, 1001, 1001, [AdminGid]), ControlOperation.Start));
    }

    [Fact]
    public void An_admin_group_that_does_not_exist_admits_nobody_but_root()
    {
        var policy = ControlAuthorization.ForSystem("no-such-group", Users);

        Assert.NotNull(policy.Refuse(new ClientIdentity(10, 1000, 1000, [AdminGid]), ControlOperation.Start));
        Assert.Null(policy.Refuse(new ClientIdentity(10, 0, 0, []), ControlOperation.Start));
    }

    [Fact]
    public void Logs_may_be_restricted_to_administrators()
    {
        var policy = ControlAuthorization.ForSystem("upstartps", Users);
        var strict = ControlAuthorization.ForSystem("upstartps", Users, LogAccess.Administrators);

        Assert.Null(policy.Refuse(new ClientIdentity(10, 1001, 1001, []), ControlOperation.ReadLog));
        Assert.Equal("Access denied: reading job logs needs root or membership of group upstartps", strict.Refuse(new ClientIdentity(10, 1001, 1001, []), ControlOperation.ReadLog));
        Assert.Null(strict.Refuse(new ClientIdentity(10, 1000, 1000, []), ControlOperation.ReadLog));
        Assert.NotNull(strict.RefuseLog(new ClientIdentity(10, 1001, 1001, []), "bob"));
    }

    [Fact]
    public void By_default_a_job_log_is_read_only_by_the_jobs_own_user_and_administrators()
    {
        var policy = ControlAuthorization.ForSystem("upstartps", Users);
        var bob = new ClientIdentity(10, 1001, 1001, []);
        var carol = new ClientIdentity(10, 1002, 1002, []);

        Assert.Equal(LogAccess.OwnerAndAdministrators, policy.LogAccess);
        Assert.Null(policy.RefuseLog(bob, "bob"));
        Assert.Equal(
            "Access denied: reading this job's log needs root or membership of group upstartps, or to be the user the job runs as",
            policy.RefuseLog(carol, "bob"));
        Assert.NotNull(policy.RefuseLog(bob, null));
        Assert.NotNull(policy.RefuseLog(bob, "no-such-user"));
        Assert.Null(policy.RefuseLog(new ClientIdentity(10, 1000, 1000, []), "bob"));
        Assert.Null(policy.RefuseLog(new ClientIdentity(10, 0, 0, []), null));
    }

    [Fact]
    public void Logs_may_be_opened_to_everyone()
    {
        var policy = ControlAuthorization.ForSystem("upstartps", Users, LogAccess.Everyone);

        Assert.Null(policy.RefuseLog(new ClientIdentity(10, 1002, 1002, []), "bob"));
        Assert.Null(policy.RefuseLog(new ClientIdentity(10, 1002, 1002, []), null));
    }

    [Fact]
    public void A_session_daemons_owner_reads_every_log()
    {
        var policy = ControlAuthorization.ForSession(1000);

        Assert.Null(policy.RefuseLog(new ClientIdentity(10, 1000, 1000, []), "root"));
    }

    [Fact]
    public void A_session_daemon_serves_only_its_owner_even_for_reads()
    {
        var policy = ControlAuthorization.ForSession(1000);

        Assert.Equal("Access denied: this session daemon serves only uid 1000", policy.RefuseConnection(new ClientIdentity(10, 1001, 1001, [])));
        Assert.NotNull(policy.Refuse(new ClientIdentity(10, 0, 0, []), ControlOperation.List));
        Assert.All(Changes.Concat(Reads), op => Assert.Null(policy.Refuse(new ClientIdentity(10, 1000, 1000, []), op)));
    }

    [Fact]
    public void Groups_line_from_proc_status_is_parsed()
    {
        Assert.Equal([4u, 24u, 27u, 990u], ClientIdentity.ParseGroupsLine("Groups:\t4 24 27 990 "));
        Assert.Empty(ClientIdentity.ParseGroupsLine("Groups:\t"));
    }

    [Fact]
    public void Supplementary_groups_of_a_live_process_are_read_from_proc()
    {
        var expected = ClientIdentity.ParseGroupsLine(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Groups:", StringComparison.Ordinal)));

        Assert.Equal(expected, new ClientIdentity(Environment.ProcessId, 0, 0).SupplementaryGroups);
    }

    [Fact]
    public void A_process_that_has_gone_has_no_supplementary_groups()
    {
        Assert.Empty(ClientIdentity.ReadSupplementaryGroups(int.MaxValue));
    }

    [Fact]
    public void Etc_group_and_passwd_are_parsed()
    {
        var directory = TestServer.NewDirectory();
        try
        {
            File.WriteAllText(Path.Combine(directory, "group"), "root:x:0:\n# comment\nbroken\nupstartps:x:990:alice, bob\n");
            File.WriteAllText(Path.Combine(directory, "passwd"), "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n");
            var users = new EtcUserDatabase(Path.Combine(directory, "group"), Path.Combine(directory, "passwd"));

            var group = users.FindGroup("upstartps")!;
            Assert.Equal(990u, group.Gid);
            Assert.Equal(["alice", "bob"], group.Members);
            Assert.Equal("upstartps", users.FindGroup("990")!.Name);
            Assert.Null(users.FindGroup("wheel"));
            Assert.Equal("alice", users.FindUserName(1000));
            Assert.Null(users.FindUserName(4242));
            Assert.Equal(1000u, users.FindUid("alice"));
            Assert.Null(users.FindUid("bob"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class FakeUsers(GroupEntry group, Dictionary<uint, string> names) : IUserDatabase
    {
        public GroupEntry? FindGroup(string nameOrGid) =>
            nameOrGid == group.Name || nameOrGid == group.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture) ? group : null;

        public string? FindUserName(uint uid) => names.GetValueOrDefault(uid);

        public uint? FindUid(string name) => names.FirstOrDefault(n => n.Value == name) is { Value: not null } found ? found.Key : null;
    }
}
