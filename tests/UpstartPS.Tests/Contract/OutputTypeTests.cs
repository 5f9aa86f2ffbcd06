using System.Reflection;

namespace UpstartPS.Tests.Contract;

/// <summary>
/// Output objects are sealed, get-only and flat: remoting serialises to depth 1, so a property must be
/// a scalar, a string, a DateTime (or none: a nullable one) or a string array to arrive intact as
/// Deserialized.UpstartPS.*.
/// </summary>
public sealed class OutputTypeTests(ModuleFixture fixture) : IClassFixture<ModuleFixture>
{
    private static readonly string[] Flat =
        ["System.String", "System.Int32", "System.Boolean", "System.DateTime", "System.String[]", "System.Nullable`1[[System.Int32",
         "System.Nullable`1[[System.DateTime,"];

    private IEnumerable<Type> OutputTypes =>
        fixture.Module.Cmdlets.SelectMany(c => c.OutputTypes).Where(t => t.Namespace == "UpstartPS").Distinct();

    [Fact]
    public void There_is_an_output_type_for_each_kind_of_result() =>
        Assert.Equal(
            ["UpstartConfigurationChange", "UpstartDaemon", "UpstartEnvironmentVariable", "UpstartEvent", "UpstartJob", "UpstartJobConfiguration", "UpstartJobConfigurationProblem", "UpstartJobFileDiagnostic", "UpstartLogLine", "UpstartSession"],
            OutputTypes.Select(t => t.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void Output_types_are_sealed_with_no_public_constructor() =>
        Assert.All(OutputTypes, t =>
        {
            Assert.True(t.IsSealed, t.Name);
            Assert.Empty(t.GetConstructors(BindingFlags.Public | BindingFlags.Instance));
        });

    [Fact]
    public void Output_properties_are_get_only_and_flat() =>
        Assert.All(OutputTypes.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)), p =>
        {
            Assert.Null(p.SetMethod);
            Assert.True(Flat.Any(f => p.PropertyType.FullName!.StartsWith(f, StringComparison.Ordinal)), $"{p.DeclaringType!.Name}.{p.Name} is {p.PropertyType.FullName}");
        });

    [Fact]
    public void Goal_and_state_are_strings_so_filters_work_after_remoting()
    {
        var job = fixture.Module.FindType("UpstartPS.UpstartJob")!;
        Assert.Equal("System.String", job.GetProperty("Goal")!.PropertyType.FullName);
        Assert.Equal("System.String", job.GetProperty("State")!.PropertyType.FullName);
    }

    [Fact]
    public void An_environment_variable_says_which_table_it_is_from_with_the_names_the_environment_cmdlets_bind()
    {
        var variable = fixture.Module.FindType("UpstartPS.UpstartEnvironmentVariable")!;
        Assert.Equal(["Instance", "Job", "Name", "Value"], variable.GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(variable.GetProperties(), p => Assert.Equal("System.String", p.PropertyType.FullName));
    }

    [Fact]
    public void A_session_carries_initctl_list_sessions_pid_and_address_and_what_SocketPath_takes()
    {
        var session = fixture.Module.FindType("UpstartPS.UpstartSession")!;
        Assert.Equal(
            ["Address:System.String", "IsCurrent:System.Boolean", "ProcessId:System.Int32", "SocketPath:System.String"],
            session.GetProperties().Select(p => $"{p.Name}:{p.PropertyType.FullName}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_configuration_problem_is_initctl_check_config_s_line_and_binds_to_Name_by_its_Job()
    {
        var problem = fixture.Module.FindType("UpstartPS.UpstartJobConfigurationProblem")!;
        Assert.Equal(
            ["Job:System.String", "Kind:System.String", "Stanza:System.String", "Unknown:System.String"],
            problem.GetProperties().Select(p => $"{p.Name}:{p.PropertyType.FullName}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_job_object_carries_what_initctl_status_and_show_config_tell()
    {
        var job = fixture.Module.FindType("UpstartPS.UpstartJob")!;
        foreach (var name in new[] { "Name", "Instance", "Goal", "State", "MainPid", "PreStartPid", "PostStopPid", "Description", "StartOn", "StopOn",
                     "LastFailure", "RespawnCount", "ConfigPath", "ConfigurationChanged", "Disabled" })
        {
            Assert.NotNull(job.GetProperty(name));
        }
    }
}
