using UpstartHost.Logging;

namespace UpstartHost.Tests.Logging;

/// <summary>
/// Which loaded jobs a log file name can belong to, and so which file each instance writes (issue: job `web`
/// instance `admin` read, and could write, root job `web-admin`'s log; job `a` instance `b-c` and job `a-b`
/// instance `c` wrote the same file).
/// </summary>
public sealed class LogFileClaimsTests
{
    private const string Dir = "/var/log/upstart";

    [Fact]
    public void A_file_name_is_claimed_by_the_job_it_names_and_by_every_instance_job_that_is_a_prefix_before_a_dash()
    {
        var claims = new LogFileClaims([("a", true), ("a-b", true), ("a-b-c", false), ("a-x", false), ("a-b-", true)]);

        Assert.Equal(["a-b-c", "a", "a-b"], claims.ClaimantsOf("a-b-c"));
        Assert.Equal("a-b-c", claims.Owner("a-b-c"));
        Assert.Equal("a-b", claims.Owner("a-b-d"));
        Assert.Equal(["a-x", "a"], claims.ClaimantsOf("a-x"));
        Assert.Equal("a-x", claims.Owner("a-x"));
        Assert.Null(claims.Owner("zzz"));
    }

    [Fact]
    public void A_job_without_instances_claims_only_its_own_name()
    {
        var claims = new LogFileClaims([("mysql", false), ("mysql-backup", false)]);

        Assert.Equal(["mysql-backup"], claims.ClaimantsOf("mysql-backup"));
        Assert.Equal(Path.Combine(Dir, "mysql-backup.log"), LogFileName.Resolve(Dir, "mysql-backup", "", claims));
        Assert.Equal(Path.Combine(Dir, "mysql.log"), LogFileName.Resolve(Dir, "mysql", "", claims));
    }

    [Fact]
    public void An_instance_whose_Upstart_name_is_another_jobs_log_logs_to_job_at_instance()
    {
        var claims = new LogFileClaims([("web", true), ("web-admin", false)]);

        Assert.Equal(Path.Combine(Dir, "web@admin.log"), LogFileName.Resolve(Dir, "web", "admin", claims));
        Assert.Equal(Path.Combine(Dir, "web-admin.log"), LogFileName.Resolve(Dir, "web-admin", "", claims));
        Assert.Equal(Path.Combine(Dir, "web-other.log"), LogFileName.Resolve(Dir, "web", "other", claims));
    }

    [Fact]
    public void Of_two_instance_jobs_the_longer_name_keeps_the_shared_file_and_the_other_is_disambiguated()
    {
        var claims = new LogFileClaims([("a", true), ("a-b", true)]);

        Assert.Equal(Path.Combine(Dir, "a-b-c.log"), LogFileName.Resolve(Dir, "a-b", "c", claims));
        Assert.Equal(Path.Combine(Dir, "a@b-c.log"), LogFileName.Resolve(Dir, "a", "b-c", claims));
    }

    [Fact]
    public void Jobs_that_differ_only_by_slash_and_underscore_get_different_files()
    {
        var claims = new LogFileClaims([("net/web", false), ("net_web", false)]);

        Assert.Equal(Path.Combine(Dir, "net_web.log"), LogFileName.Resolve(Dir, "net/web", "", claims));
        Assert.Equal(Path.Combine(Dir, "net_web@.log"), LogFileName.Resolve(Dir, "net_web", "", claims));
    }

    [Fact]
    public void An_instance_both_of_whose_names_are_other_jobs_logs_gets_no_log()
    {
        var claims = new LogFileClaims([("web", true), ("web-admin", false), ("web@admin", false)]);

        Assert.Null(LogFileName.Resolve(Dir, "web", "admin", claims));
    }

    [Fact]
    public void A_job_no_longer_loaded_keeps_its_name_unless_a_loaded_job_owns_it()
    {
        var claims = new LogFileClaims([("web-admin", false)]);

        Assert.Equal(Path.Combine(Dir, "gone-x.log"), LogFileName.Resolve(Dir, "gone", "x", claims));
        Assert.Equal(Path.Combine(Dir, "web@admin.log"), LogFileName.Resolve(Dir, "web", "admin", claims));
    }

    [Theory]
    [InlineData(241, true)]
    [InlineData(242, false)]
    public void An_instance_name_fits_when_its_log_and_times_file_names_fit_in_255_bytes(int length, bool fits)
    {
        // "job" + "-" + instance + ".log.times": 3 + 1 + length + 10 bytes.
        var problem = LogFileName.TooLong("job", new string('x', length));
        Assert.Equal(fits, problem is null);
        if (!fits)
        {
            Assert.StartsWith("instance name is too long: job job's log file for it would be named with 256 bytes", problem, StringComparison.Ordinal);
        }
    }
}
