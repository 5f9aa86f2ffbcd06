namespace UpstartPS.Tests.Contract;

/// <summary>The cmdlets as PowerShell sees them: verbs, safety, output types, pipeline binding, completion.</summary>
public sealed class CmdletContractTests(ModuleFixture fixture) : IClassFixture<ModuleFixture>
{
    private static readonly string[] Expected =
    [
        "Disable-UpstartJob", "Enable-UpstartJob", "Get-UpstartEnvironment", "Get-UpstartJob", "Get-UpstartJobConfiguration", "Get-UpstartLog", "Get-UpstartSession",
        "Remove-UpstartEnvironment", "Reset-UpstartEnvironment", "Restart-UpstartDaemon", "Restart-UpstartJob", "Send-UpstartEvent",
        "Set-UpstartEnvironment", "Start-UpstartJob", "Stop-UpstartJob", "Test-UpstartJob", "Test-UpstartJobConfiguration",
        "Test-UpstartJobFile", "Update-UpstartConfiguration", "Update-UpstartJob", "Wait-UpstartJob", "Watch-UpstartEvent",
    ];

    private IReadOnlyList<CmdletInfo> Cmdlets => fixture.Module.Cmdlets;

    private CmdletInfo Cmdlet(string name) => Cmdlets.Single(c => c.Name == name);

    [Fact]
    public void The_module_has_exactly_the_planned_cmdlets() =>
        Assert.Equal(Expected, Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void Every_cmdlet_uses_an_approved_verb() =>
        Assert.All(Cmdlets, c => Assert.Contains(c.Verb, ApprovedVerbs.All));

    [Fact]
    public void Every_noun_is_singular_pascal_case_and_prefixed_with_Upstart() =>
        Assert.All(Cmdlets, c =>
        {
            Assert.StartsWith("Upstart", c.Noun, StringComparison.Ordinal);
            Assert.True(char.IsUpper(c.Noun[0]));
            Assert.False(c.Noun.EndsWith('s'), $"{c.Name}: nouns are singular");
        });

    [Fact]
    public void Every_cmdlet_class_is_named_after_its_command_and_sealed() =>
        Assert.All(Cmdlets, c =>
        {
            Assert.Equal($"{c.Verb}{c.Noun}Command", c.Type.Name);
            Assert.True(c.Type.IsSealed, c.Name);
        });

    [Fact]
    public void Every_state_changing_cmdlet_supports_ShouldProcess_at_Medium_impact()
    {
        var mutators = Cmdlets.Where(c => ApprovedVerbs.StateChanging.Contains(c.Verb) && c.Name is not ("Restart-UpstartDaemon" or "Reset-UpstartEnvironment")).ToList();
        Assert.Equal(10, mutators.Count);
        Assert.All(mutators, c =>
        {
            Assert.True(c.SupportsShouldProcess, $"{c.Name} must support -WhatIf/-Confirm");
            Assert.Equal("Medium", c.ConfirmImpact);
        });
    }

    [Fact]
    public void Restart_UpstartDaemon_asks_first_because_it_replaces_the_program_supervising_every_job()
    {
        var cmdlet = Cmdlet("Restart-UpstartDaemon");
        Assert.True(cmdlet.SupportsShouldProcess);
        Assert.Equal("High", cmdlet.ConfirmImpact);
        Assert.Equal("Int32", cmdlet.Parameter("Timeout")?.Type.Name);
    }

    [Fact]
    public void Reset_UpstartEnvironment_asks_first_because_it_discards_every_change_to_the_table()
    {
        var cmdlet = Cmdlet("Reset-UpstartEnvironment");
        Assert.True(cmdlet.SupportsShouldProcess);
        Assert.Equal("High", cmdlet.ConfirmImpact);
    }

    [Theory]
    [InlineData("Get-UpstartEnvironment")]
    [InlineData("Set-UpstartEnvironment")]
    [InlineData("Remove-UpstartEnvironment")]
    [InlineData("Reset-UpstartEnvironment")]
    public void Environment_cmdlets_take_the_table_from_Job_and_Instance_by_property_name_and_complete_them(string name)
    {
        var cmdlet = Cmdlet(name);
        foreach (var (parameter, completer) in new[] { ("Job", "JobNameCompleter"), ("Instance", "EnvironmentInstanceCompleter") })
        {
            var p = cmdlet.Parameter(parameter);
            Assert.NotNull(p);
            Assert.Equal("String", p.Type.Name);
            Assert.True(p.ByPropertyName, $"{name} -{parameter} binds by property name");
            Assert.False(p.Mandatory);
            Assert.Null(p.Position);
            // A global variable piped in has a null Job (Import-Csv: an empty one): it must bind, meaning the global table.
            Assert.Contains("AllowNullAttribute", p.Attributes);
            Assert.Contains("AllowEmptyStringAttribute", p.Attributes);
            Assert.Equal("UpstartPS.Completion." + completer, Assert.Single(p.CompleterTypes).FullName);
        }
    }

    [Theory]
    [InlineData("Get-UpstartEnvironment", false)]
    [InlineData("Set-UpstartEnvironment", true)]
    [InlineData("Remove-UpstartEnvironment", true)]
    public void Environment_variable_names_bind_by_property_name_at_position_0_and_complete_from_the_daemon(string name, bool mandatory)
    {
        var parameter = Cmdlet(name).Parameter("Name")!;
        Assert.True(parameter.ByPropertyName);
        Assert.Equal(0, parameter.Position);
        Assert.Equal(mandatory, parameter.Mandatory);
        Assert.Equal("UpstartPS.Completion.EnvironmentVariableNameCompleter", Assert.Single(parameter.CompleterTypes).FullName);
    }

    [Fact]
    public void Only_Get_UpstartEnvironment_takes_wildcards_in_variable_names()
    {
        Assert.Contains("SupportsWildcardsAttribute", Cmdlet("Get-UpstartEnvironment").Parameter("Name")!.Attributes);
        Assert.DoesNotContain("SupportsWildcardsAttribute", Cmdlet("Set-UpstartEnvironment").Parameter("Name")!.Attributes);
        Assert.DoesNotContain("SupportsWildcardsAttribute", Cmdlet("Remove-UpstartEnvironment").Parameter("Name")!.Attributes);
    }

    [Fact]
    public void Set_UpstartEnvironment_takes_a_value_by_property_name_and_NoClobber_as_a_switch()
    {
        var cmdlet = Cmdlet("Set-UpstartEnvironment");
        Assert.True(cmdlet.Parameter("Value")!.ByPropertyName);
        Assert.Equal(1, cmdlet.Parameter("Value")!.Position);
        Assert.Equal("SwitchParameter", cmdlet.Parameter("NoClobber")?.Type.Name);
        Assert.Equal("Hashtable", cmdlet.Parameter("Variable")?.Type.Name);
        Assert.Equal("Name", cmdlet.Named["DefaultParameterSetName"]);
    }

    [Fact]
    public void Read_only_cmdlets_do_not_pretend_to_support_ShouldProcess() =>
        Assert.All(Cmdlets.Where(c => c.Verb is "Get" or "Test" or "Wait" or "Watch"), c => Assert.False(c.SupportsShouldProcess, c.Name));

    [Fact]
    public void Every_state_changing_cmdlet_has_PassThru() =>
        Assert.All(Cmdlets.Where(c => ApprovedVerbs.StateChanging.Contains(c.Verb)), c =>
            Assert.Equal("SwitchParameter", c.Parameter("PassThru")?.Type.Name));

    [Fact]
    public void Every_cmdlet_declares_its_output_type() =>
        Assert.All(Cmdlets, c => Assert.NotEmpty(c.OutputTypes));

    [Fact]
    public void Output_types_are_the_module_s_own_types_or_bool() =>
        Assert.All(Cmdlets.SelectMany(c => c.OutputTypes), t =>
            Assert.True(t.Namespace == "UpstartPS" || t.FullName == "System.Boolean", t.FullName));

    [Theory]
    [InlineData("Get-UpstartJob")]
    [InlineData("Start-UpstartJob")]
    [InlineData("Stop-UpstartJob")]
    [InlineData("Restart-UpstartJob")]
    [InlineData("Update-UpstartJob")]
    [InlineData("Enable-UpstartJob")]
    [InlineData("Disable-UpstartJob")]
    [InlineData("Wait-UpstartJob")]
    [InlineData("Test-UpstartJob")]
    [InlineData("Get-UpstartLog")]
    [InlineData("Get-UpstartJobConfiguration")]
    [InlineData("Test-UpstartJobConfiguration")]
    [InlineData("Send-UpstartEvent")]
    public void Name_binds_from_the_pipeline_by_value_and_by_property_name_at_position_0(string name)
    {
        var parameter = Cmdlet(name).Parameter("Name");
        Assert.NotNull(parameter);
        Assert.True(parameter.ByValue, "ByValue");
        Assert.True(parameter.ByPropertyName, "ByPropertyName");
        Assert.Equal(0, parameter.Position);
    }

    [Theory]
    [InlineData("Start-UpstartJob")]
    [InlineData("Stop-UpstartJob")]
    [InlineData("Restart-UpstartJob")]
    [InlineData("Update-UpstartJob")]
    [InlineData("Enable-UpstartJob")]
    [InlineData("Disable-UpstartJob")]
    [InlineData("Wait-UpstartJob")]
    [InlineData("Get-UpstartLog")]
    [InlineData("Get-UpstartJobConfiguration")]
    public void Job_cmdlets_take_UpstartJob_objects_through_an_InputObject_set(string name)
    {
        var cmdlet = Cmdlet(name);
        var input = cmdlet.Parameter("InputObject");
        Assert.NotNull(input);
        Assert.Equal("UpstartPS.UpstartJob[]", input.Type.FullName);
        Assert.True(input.ByValue);
        Assert.All(input.Sets, s => Assert.Equal("InputObject", s.SetName));
        Assert.All(cmdlet.Parameter("Name")!.Sets, s => Assert.Equal("Name", s.SetName));
        Assert.Equal("Name", cmdlet.Named["DefaultParameterSetName"]);
    }

    [Theory]
    [InlineData("Start-UpstartJob")]
    [InlineData("Stop-UpstartJob")]
    [InlineData("Restart-UpstartJob")]
    [InlineData("Send-UpstartEvent")]
    public void Waiting_cmdlets_offer_NoWait_and_a_Timeout_in_seconds(string name)
    {
        var cmdlet = Cmdlet(name);
        Assert.Equal("SwitchParameter", cmdlet.Parameter("NoWait")?.Type.Name);
        Assert.Equal("Int32", cmdlet.Parameter("Timeout")?.Type.Name);
    }

    [Fact]
    public void Every_cmdlet_that_talks_to_the_daemon_takes_SocketPath() =>
        Assert.All(Cmdlets.Where(c => c.Name is not ("Test-UpstartJobFile" or "Get-UpstartSession")), c => Assert.NotNull(c.Parameter("SocketPath")));

    [Fact]
    public void Get_UpstartSession_connects_to_no_daemon_so_it_has_no_SocketPath_and_filters_by_ProcessId()
    {
        var cmdlet = Cmdlet("Get-UpstartSession");
        Assert.Null(cmdlet.Parameter("SocketPath"));
        Assert.Equal("Int32[]", cmdlet.Parameter("ProcessId")?.Type.Name);
        Assert.Contains("Id", cmdlet.Parameter("ProcessId")!.Aliases);
        Assert.Equal("UpstartPS.UpstartSession", Assert.Single(cmdlet.OutputTypes).FullName);
    }

    [Fact]
    public void Job_name_parameters_complete_with_the_job_name_completer() =>
        Assert.All(Cmdlets.Where(c => c.Noun is "UpstartJob" or "UpstartLog" or "UpstartJobConfiguration"), c =>
            Assert.Equal("UpstartPS.Completion.JobNameCompleter", Assert.Single(c.Parameter("Name")!.CompleterTypes).FullName));

    [Fact]
    public void Event_name_parameters_complete_with_the_event_name_completer() =>
        Assert.All(Cmdlets.Where(c => c.Noun == "UpstartEvent"), c =>
            Assert.Equal("UpstartPS.Completion.EventNameCompleter", Assert.Single(c.Parameter("Name")!.CompleterTypes).FullName));

    [Fact]
    public void Completers_implement_IArgumentCompleter()
    {
        foreach (var name in new[]
        {
            "UpstartPS.Completion.JobNameCompleter", "UpstartPS.Completion.EventNameCompleter",
            "UpstartPS.Completion.EnvironmentVariableNameCompleter", "UpstartPS.Completion.EnvironmentInstanceCompleter",
        })
        {
            var type = fixture.Module.FindType(name);
            Assert.NotNull(type);
            Assert.Contains(type.GetInterfaces(), i => i.FullName == "System.Management.Automation.IArgumentCompleter");
        }
    }

    [Fact]
    public void Test_UpstartJobFile_takes_Get_ChildItem_output_by_PSPath_and_FullName()
    {
        var cmdlet = Cmdlet("Test-UpstartJobFile");
        var literal = cmdlet.Parameter("LiteralPath")!;
        Assert.True(literal.ByPropertyName);
        Assert.Contains("PSPath", literal.Aliases);
        Assert.Contains("FullName", literal.Aliases);
        var path = cmdlet.Parameter("Path")!;
        Assert.True(path.ByValue);
        Assert.Equal(0, path.Position);

        // Only LiteralPath may match a FileInfo's properties, or the parameter set would be ambiguous.
        Assert.DoesNotContain("FullName", path.Aliases);
        Assert.DoesNotContain("PSPath", path.Aliases);
    }

    [Fact]
    public void Test_UpstartJobConfiguration_checks_every_job_by_default_with_initctl_s_options_and_one_bool_for_Quiet()
    {
        var cmdlet = Cmdlet("Test-UpstartJobConfiguration");
        var name = cmdlet.Parameter("Name")!;
        Assert.False(name.Mandatory);
        Assert.Contains("Job", name.Aliases);
        Assert.Contains("SupportsWildcardsAttribute", name.Attributes);
        Assert.Equal("String[]", cmdlet.Parameter("IgnoreEvent")?.Type.Name);
        Assert.Equal("UpstartPS.Completion.EventNameCompleter", Assert.Single(cmdlet.Parameter("IgnoreEvent")!.CompleterTypes).FullName);
        Assert.Equal("String[]", cmdlet.Parameter("Include")?.Type.Name);
        Assert.Equal("String[]", cmdlet.Parameter("Exclude")?.Type.Name);
        foreach (var flag in new[] { "WarnAll", "Quiet" })
        {
            Assert.Equal("SwitchParameter", cmdlet.Parameter(flag)?.Type.Name);
        }

        Assert.Equal(
            ["System.Boolean", "UpstartPS.UpstartJobConfigurationProblem"],
            cmdlet.OutputTypes.Select(t => t.FullName!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_cmdlet_has_two_parameters_at_the_same_position_in_one_set() =>
        Assert.All(Cmdlets, c =>
        {
            var clashes = c.Parameters
                .SelectMany(p => p.Sets.Where(s => s.Position is not null).Select(s => (p.Name, s.SetName, s.Position)))
                .GroupBy(x => x.Position)
                .Where(g => g.Select(x => x.Name).Distinct().Count() > 1)
                .Where(g => g.Any(x => x.SetName == "__AllParameterSets") || g.GroupBy(x => x.SetName).Any(s => s.Select(x => x.Name).Distinct().Count() > 1));
            Assert.Empty(clashes);
        });

    [Fact]
    public void State_filters_offer_Upstart_s_states_for_completion() =>
        Assert.All(new[] { "Get-UpstartJob", "Wait-UpstartJob", "Test-UpstartJob" }, n =>
            Assert.Contains("ValidateSetAttribute", Cmdlet(n).Parameter("State")!.Attributes));
}
