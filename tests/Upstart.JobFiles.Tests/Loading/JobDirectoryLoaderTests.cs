using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Loading;

namespace Upstart.JobFiles.Tests.Loading;

public sealed class JobDirectoryLoaderTests
{
    [Fact]
    public void Job_names_come_from_paths_relative_to_the_directory()
    {
        using var dir = new TempDirectory();
        dir.Write("ssh.conf", "exec /usr/sbin/sshd -D\n");
        dir.Write("net/apache.conf", "exec apache2\n");
        dir.Write("net/deep/x.conf", "");
        dir.Write("README", "not a job");
        dir.Write("notes.conf.bak", "not a job");

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Equal(["net/apache", "net/deep/x", "ssh"], catalog.Jobs.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(catalog.Diagnostics);
        Assert.Equal(Path.Combine(dir.Path, "net", "apache.conf"), catalog.Jobs["net/apache"].SourcePath);
    }

    [Theory]
    [InlineData(".disabled")]
    [InlineData(".git")]
    [InlineData("old~")]
    [InlineData("jobs.bak")]
    [InlineData("#scratch#")]
    [InlineData("RCS")]
    [InlineData("CVS")]
    [InlineData("_darcs")]
    [InlineData("net.dpkg-old")]
    [InlineData("net.rpmsave")]
    public void Subdirectories_upstart_ignores_are_not_entered(string directory)
    {
        using var dir = new TempDirectory();
        dir.Write("ssh.conf", "exec /usr/sbin/sshd -D\n");
        dir.Write(directory + "/ssh.conf", "exec /usr/sbin/sshd -D\n");
        dir.Write(directory + "/ssh.override", "manual\n");

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Equal(["ssh"], catalog.Jobs.Keys);
        Assert.Null(catalog.Jobs["ssh"].OverridePath);
        Assert.Empty(catalog.Diagnostics);
        Assert.Empty(JobDirectoryLoader.LoadJob([dir.Path], directory + "/ssh").Jobs);
    }

    [Fact]
    public void Hidden_and_packaging_names_are_only_ignored_for_directories()
    {
        using var dir = new TempDirectory();
        dir.Write(".hidden.conf", "exec true\n");
        dir.Write("net.dpkg-new.conf", "exec true\n");
        dir.Write("backup~x/a.conf", "exec true\n");

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Equal([".hidden", "backup~x/a", "net.dpkg-new"], catalog.Jobs.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_first_directory_to_define_a_name_owns_it()
    {
        using var root = new TempDirectory();
        var first = root.Sub("first");
        var second = root.Sub("second");
        File.WriteAllText(Path.Combine(first, "a.conf"), "description first\n");
        File.WriteAllText(Path.Combine(second, "a.conf"), "description second\n");
        File.WriteAllText(Path.Combine(second, "b.conf"), "description only-second\n");

        var catalog = JobDirectoryLoader.Load([first, second]);

        Assert.Equal("first", catalog.Jobs["a"].Description);
        Assert.Equal("only-second", catalog.Jobs["b"].Description);
    }

    [Fact]
    public void A_conf_that_fails_to_parse_leaves_the_name_to_a_later_directory()
    {
        using var root = new TempDirectory();
        var first = root.Sub("first");
        var second = root.Sub("second");
        File.WriteAllText(Path.Combine(first, "a.conf"), "bogus\n");
        File.WriteAllText(Path.Combine(second, "a.conf"), "description second\n");

        var catalog = JobDirectoryLoader.Load([first, second]);

        Assert.Equal("second", catalog.Jobs["a"].Description);
        Assert.Equal("unknown-stanza", Assert.Single(catalog.Diagnostics).Kind);
    }

    [Fact]
    public void The_first_override_along_the_search_order_applies_even_from_an_earlier_directory()
    {
        using var root = new TempDirectory();
        var user = root.Sub("user");
        var system = root.Sub("system");
        File.WriteAllText(Path.Combine(system, "a.conf"), "start on startup\nenv A=1\n");
        File.WriteAllText(Path.Combine(user, "a.override"), "manual\n");
        File.WriteAllText(Path.Combine(system, "a.override"), "env B=2\n");

        var job = JobDirectoryLoader.Load([user, system]).Jobs["a"];

        Assert.Null(job.StartOn);
        Assert.Equal(["A=1"], job.Env.ToArray());
        Assert.Equal(Path.Combine(user, "a.override"), job.OverridePath);
    }

    [Fact]
    public void An_override_from_a_later_directory_does_not_apply()
    {
        using var root = new TempDirectory();
        var user = root.Sub("user");
        var system = root.Sub("system");
        File.WriteAllText(Path.Combine(user, "a.conf"), "start on startup\n");
        File.WriteAllText(Path.Combine(system, "a.override"), "manual\n");

        Assert.NotNull(JobDirectoryLoader.Load([user, system]).Jobs["a"].StartOn);
    }

    [Fact]
    public void An_override_without_a_conf_is_ignored()
    {
        using var dir = new TempDirectory();
        dir.Write("ghost.override", "manual\n");

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Empty(catalog.Jobs);
        Assert.Empty(catalog.Diagnostics);
    }

    [Fact]
    public void A_broken_override_is_reported_and_partly_applied()
    {
        using var dir = new TempDirectory();
        dir.Write("a.conf", "start on startup\nauthor me\n");
        var overridePath = dir.Write("a.override", "manual\nbleaugh!\nauthor you\n");

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Null(catalog.Jobs["a"].StartOn);
        Assert.Equal("me", catalog.Jobs["a"].Author);
        Assert.Equal($"{overridePath}:2:1: unknown-stanza: Unknown stanza", Assert.Single(catalog.Diagnostics).ToString());
    }

    [Fact]
    public void One_bad_file_never_stops_the_others()
    {
        using var dir = new TempDirectory();
        dir.Write("a.conf", "exec a\n");
        var bad = dir.Write("b.conf", "exec b\nrespawn limit x 5\n");
        dir.Write("c.conf", "exec c\n");

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Equal(["a", "c"], catalog.Jobs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"{bad}:2:15: illegal-limit: Illegal limit, expected 'unlimited' or integer", Assert.Single(catalog.Diagnostics).ToString());
    }

    [Theory]
    [InlineData("-rf.conf")]
    [InlineData("a\u0001b.conf")]
    [InlineData("tab\there.conf")]
    [InlineData("sp ace.conf")]
    [InlineData("zero\u200bwidth.conf")]
    [InlineData(".conf")]
    public void Hostile_file_names_are_rejected_with_a_diagnostic(string fileName)
    {
        using var dir = new TempDirectory();
        dir.Write(fileName, "exec x\n");
        dir.Write("good.conf", "exec x\n");

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Equal(["good"], catalog.Jobs.Keys);
        var d = Assert.Single(catalog.Diagnostics);
        Assert.Equal(LoaderDiagnostics.BadJobName, d.Kind);
        Assert.DoesNotContain(d.ToString(), c => char.IsControl(c));
        Assert.Equal(System.IO.Path.Combine(dir.Path, fileName), d.Path);
    }

    [Fact]
    public void Over_long_names_are_rejected()
    {
        using var dir = new TempDirectory();
        var segment = new string('a', 150);
        dir.Write($"{segment}/{segment}.conf", "exec x\n");

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Empty(catalog.Jobs);
        Assert.Equal(LoaderDiagnostics.BadJobName, Assert.Single(catalog.Diagnostics).Kind);
    }

    [Fact]
    public void Symbolic_links_are_not_followed()
    {
        using var dir = new TempDirectory();
        var target = dir.Write("real/target.conf", "exec x\n");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "link.conf"), target);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "linkdir"), Path.Combine(dir.Path, "real"));

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Equal(["real/target"], catalog.Jobs.Keys);
        Assert.Equal(2, catalog.Diagnostics.Count(d => d.Kind == LoaderDiagnostics.SymlinkNotSupported && d.Severity == DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Files_larger_than_one_mebibyte_are_refused()
    {
        using var dir = new TempDirectory();
        dir.Write("big.conf", "# " + new string('x', 1 << 20) + "\n");
        dir.Write("small.conf", "exec x\n");

        var catalog = JobDirectoryLoader.Load([dir.Path]);

        Assert.Equal(["small"], catalog.Jobs.Keys);
        Assert.Equal(LoaderDiagnostics.FileTooLarge, Assert.Single(catalog.Diagnostics).Kind);
    }

    [Fact]
    public void Missing_directories_are_skipped_quietly()
    {
        var catalog = JobDirectoryLoader.Load(["/nonexistent/upstartps/init"]);
        Assert.Empty(catalog.Jobs);
        Assert.Empty(catalog.Diagnostics);
    }

    [Fact]
    public void LoadJob_loads_one_name_with_the_same_rules()
    {
        using var root = new TempDirectory();
        var user = root.Sub("user");
        var system = root.Sub("system");
        File.WriteAllText(Path.Combine(system, "x.conf"), "description sys\n");
        Directory.CreateDirectory(Path.Combine(user, "net"));
        File.WriteAllText(Path.Combine(user, "net", "y.conf"), "description user\n");
        File.WriteAllText(Path.Combine(user, "x.override"), "author me\n");

        Assert.Equal("me", JobDirectoryLoader.LoadJob([user, system], "x").Jobs["x"].Author);
        Assert.Equal("user", JobDirectoryLoader.LoadJob([user, system], "net/y").Jobs["net/y"].Description);
        Assert.Empty(JobDirectoryLoader.LoadJob([user, system], "missing").Jobs);
        var bad = JobDirectoryLoader.LoadJob([user, system], "../etc/passwd");
        Assert.Empty(bad.Jobs);
        Assert.Equal(LoaderDiagnostics.BadJobName, Assert.Single(bad.Diagnostics).Kind);
    }
}
