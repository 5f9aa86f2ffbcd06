using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Hosting;
using UpstartHost.State;
using UpstartHost.Tests.Engine;

namespace UpstartHost.Tests.Hosting;

/// <summary>
/// Which recorded instances resume under a stored definition, and how it is read back (docs/daemon.md,
/// "What the next daemon does with it").
/// </summary>
public sealed class EarlierDefinitionsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("ups-earlier-").FullName;
    private readonly CapturingLogger<EarlierDefinitionsTests> log = new();

    public EarlierDefinitionsTests() => Directory.CreateDirectory(Conf);

    private string Conf => Path.Combine(root, "conf");

    public void Dispose() => Directory.Delete(root, recursive: true);

    private DefinitionStore Store() => new(Path.Combine(root, "state"), JobFileTrust.Any, NullLogger.Instance);

    private static InstanceRecord Record(string job, string? print) =>
        new(job, "", JobGoal.Start, JobState.Running, [], 0, null, [], null, Fingerprint: print);

    /// <summary>svc loaded and stored as v1, then its file rewritten to v2 and loaded again.</summary>
    private (string V1Print, JobCatalog Loaded) ChangedSvc()
    {
        File.WriteAllText(Path.Combine(Conf, "svc.conf"), "start on net-up\nexec /bin/sleep 60\npost-stop exec /bin/echo v1\n");
        var v1 = JobDirectoryLoader.Load([Conf]).Fingerprints["svc"];
        Assert.True(Store().TryStore(v1));
        File.WriteAllText(Path.Combine(Conf, "svc.conf"), "start on net-up\nexec /bin/sleep 60\npost-stop exec /bin/echo v2\n");
        return (v1, JobDirectoryLoader.Load([Conf]));
    }

    [Fact]
    public void A_changed_job_resumes_under_its_stored_definition_with_the_admin_mask_applied()
    {
        var (v1, loaded) = ChangedSvc();

        var found = EarlierDefinitions.Find([Record("svc", v1)], loaded, AdminState.Empty.WithDisabled("svc", true), Store(), log);

        var earlier = found["svc"];
        Assert.Equal(("/bin/echo v1", v1, null), (earlier.Config.Processes[ProcessKind.PostStop].Command, earlier.Fingerprint, earlier.Config.StartOn));
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void An_unchanged_job_or_one_without_a_fingerprint_is_left_alone()
    {
        var (_, loaded) = ChangedSvc();

        Assert.Empty(EarlierDefinitions.Find([Record("svc", loaded.Fingerprints["svc"]), Record("other", null)], loaded, AdminState.Empty, Store(), log));
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void A_record_naming_another_jobs_files_or_an_unkept_definition_gets_a_warning_and_nothing()
    {
        var (v1, loaded) = ChangedSvc();
        var unkept = JobFingerprint.Of(Path.Combine(Conf, "gone.conf"), "exec /bin/true\n"u8, null, null);

        var found = EarlierDefinitions.Find([Record("../svc", v1), Record("other", v1), Record("gone", unkept)], loaded, AdminState.Empty, Store(), log);

        Assert.Empty(found);
        Assert.Equal(3, log.Warnings.Count);
        Assert.Contains(log.Warnings, w => w.StartsWith("gone:", StringComparison.Ordinal));
    }
}
