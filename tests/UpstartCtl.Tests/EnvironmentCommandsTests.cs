using UpstartPS.Protocol;

namespace UpstartCtl.Tests;

/// <summary>
/// list-env, get-env, set-env, unset-env and reset-env as initctl(8) has them: which table each acts on (-g,
/// or the job it runs in: initctl's get_job_details), what reaches the daemon, and what is printed.
/// </summary>
public sealed class EnvironmentCommandsTests
{
    private const string Try = "Try `initctl --help' for more information.\n";

    private static readonly Dictionary<string, string> InJob = new() { ["UPSTART_JOB"] = "tty", ["UPSTART_INSTANCE"] = "tty1" };

    /// <summary>A usage mistake is found before any connection: the socket given does not exist.</summary>
    private static (int Exit, string Output, string Error) RunWithoutDaemon(string[] argv, Dictionary<string, string>? environment = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = Ctl.Run("initctl", ["--socket", "/nonexistent/none.sock", .. argv], output, error, name => environment?.GetValueOrDefault(name));
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("get-env")]
    [InlineData("unset-env")]
    public void A_command_about_variables_given_none_is_missing_variable_name(string command)
    {
        Assert.Equal((1, "", "initctl: missing variable name\n" + Try), RunWithoutDaemon([command]));
    }

    [Fact]
    public void Set_env_given_nothing_is_missing_variable_value()
    {
        Assert.Equal((1, "", "initctl: missing variable value\n" + Try), RunWithoutDaemon(["set-env", "-g", "-r"]));
    }

    [Theory]
    [InlineData("list-env", "-r")]
    [InlineData("get-env", "--retain")]
    [InlineData("unset-env", "-r")]
    [InlineData("reset-env", "--retain")]
    public void Retain_is_an_option_of_set_env_alone(string command, string option)
    {
        Assert.Equal((1, "", $"initctl: unrecognized option '{option}'\n" + Try), RunWithoutDaemon([command, option, "FOO"]));
    }

    [Theory]
    [InlineData("start", "-g")]
    [InlineData("list", "--global")]
    [InlineData("emit", "-g")]
    public void Global_is_an_option_of_the_environment_commands_alone(string command, string option)
    {
        Assert.Equal((1, "", $"initctl: unrecognized option '{option}'\n" + Try), RunWithoutDaemon([command, option, "web"]));
    }

    [Theory]
    [InlineData("list-env")]
    [InlineData("get-env", "FOO")]
    [InlineData("set-env", "FOO=1")]
    [InlineData("unset-env", "FOO")]
    [InlineData("reset-env")]
    public void In_a_job_without_UPSTART_INSTANCE_every_environment_command_is_missing_job_name(params string[] argv)
    {
        var environment = new Dictionary<string, string> { ["UPSTART_JOB"] = "web" };

        Assert.Equal((1, "", "initctl: missing job name\n" + Try), RunWithoutDaemon(argv, environment));
    }

    [Fact]
    public void The_missing_name_is_reported_before_the_missing_instance_as_initctl_checks_them()
    {
        var environment = new Dictionary<string, string> { ["UPSTART_JOB"] = "web" };

        Assert.Equal((1, "", "initctl: missing variable name\n" + Try), RunWithoutDaemon(["get-env"], environment));
    }

    [Fact]
    public async Task Global_in_a_job_without_UPSTART_INSTANCE_acts_on_the_global_table()
    {
        await using var daemon = FakeDaemon.Start();

        var result = await daemon.RunAsync(["reset-env", "-g"], new() { ["UPSTART_JOB"] = "web" });

        Assert.Equal((0, "", ""), result);
        Assert.Equal(["reset-env global"], daemon.Handler.Calls);
    }

    [Theory]
    [InlineData("list-env", "list-env tty (tty1)")]
    [InlineData("get-env PATH", "get-env tty (tty1) PATH")]
    [InlineData("set-env A=1", "set-env tty (tty1) A=1")]
    [InlineData("unset-env A", "unset-env tty (tty1) A")]
    [InlineData("reset-env", "reset-env tty (tty1)")]
    public async Task In_a_job_each_command_acts_on_that_instances_environment(string command, string received)
    {
        await using var daemon = FakeDaemon.Start();
        daemon.Handler.Variables.Add("PATH=/bin");

        var (exit, _, error) = await daemon.RunAsync(command.Split(' '), InJob);

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal([received], daemon.Handler.Calls);
    }

    [Theory]
    [InlineData("list-env", "list-env global")]
    [InlineData("get-env PATH", "get-env global PATH")]
    [InlineData("set-env A=1", "set-env global A=1")]
    [InlineData("unset-env A", "unset-env global A")]
    [InlineData("reset-env", "reset-env global")]
    public async Task Global_in_a_job_acts_on_the_global_table(string command, string received)
    {
        await using var daemon = FakeDaemon.Start();
        daemon.Handler.Variables.Add("PATH=/bin");

        var (exit, _, error) = await daemon.RunAsync([.. command.Split(' '), "-g"], InJob);
        var (longExit, _, longError) = await daemon.RunAsync(["--global", .. command.Split(' ')], InJob);

        Assert.Equal((0, "", 0, ""), (exit, error, longExit, longError));
        Assert.Equal([received, received], daemon.Handler.Calls);
    }

    [Fact]
    public async Task Outside_a_job_the_global_table_is_meant()
    {
        await using var daemon = FakeDaemon.Start();

        await daemon.RunAsync(["list-env"]);
        await daemon.RunAsync(["set-env", "A=1"], new() { ["UPSTART_INSTANCE"] = "tty1" });

        Assert.Equal(["list-env global", "set-env global A=1"], daemon.Handler.Calls);
    }

    [Fact]
    public async Task An_empty_UPSTART_INSTANCE_is_the_instance_of_a_job_without_an_instance_stanza()
    {
        await using var daemon = FakeDaemon.Start();

        var result = await daemon.RunAsync(["unset-env", "A", "B"], new() { ["UPSTART_JOB"] = "web", ["UPSTART_INSTANCE"] = "" });

        Assert.Equal((0, "", ""), result);
        Assert.Equal(["unset-env web () A B"], daemon.Handler.Calls);
    }

    [Fact]
    public async Task List_env_prints_the_entries_sorted_ordinally()
    {
        await using var daemon = FakeDaemon.Start();
        daemon.Handler.Variables.AddRange(["TERM=linux", "lower=1", "PATH=/bin", "AB=2", "A=1", "EMPTY="]);

        var result = await daemon.RunAsync(["list-env"]);

        Assert.Equal((0, "A=1\nAB=2\nEMPTY=\nPATH=/bin\nTERM=linux\nlower=1\n", ""), result);
    }

    [Fact]
    public async Task Get_env_prints_the_value_alone_and_an_empty_value_as_an_empty_line()
    {
        await using var daemon = FakeDaemon.Start();
        daemon.Handler.Variables.AddRange(["TERM=linux", "EMPTY=", "EQ=a=b"]);

        Assert.Equal((0, "linux\n", ""), await daemon.RunAsync(["get-env", "TERM"]));
        Assert.Equal((0, "\n", ""), await daemon.RunAsync(["get-env", "EMPTY"]));
        Assert.Equal((0, "a=b\n", ""), await daemon.RunAsync(["get-env", "EQ"]));
        Assert.Equal((0, "", ""), await daemon.RunAsync(["-q", "get-env", "TERM"]));
    }

    [Fact]
    public async Task Get_env_of_a_variable_not_set_prints_the_daemons_error_and_exits_1()
    {
        await using var daemon = FakeDaemon.Start();

        var result = await daemon.RunAsync(["get-env", "NOPE"]);

        Assert.Equal((1, "", "initctl: No such variable: NOPE\n"), result);
    }

    [Theory]
    [InlineData("get-env TERM", UpstartErrorCode.AccessDenied, "Access denied: reading a job environment needs root or membership of group upstartps")]
    [InlineData("list-env", UpstartErrorCode.AccessDenied, "Access denied: reading a job environment needs root or membership of group upstartps")]
    [InlineData("set-env A=1", UpstartErrorCode.AccessDenied, "Not permissible to modify PID 1 job environment")]
    [InlineData("reset-env", UpstartErrorCode.BadRequest, "This daemon keeps no job environment table")]
    public async Task A_refusal_is_printed_as_the_daemon_words_it_and_exits_1(string command, UpstartErrorCode code, string message)
    {
        await using var daemon = FakeDaemon.Start();
        daemon.Handler.Refusal = new UpstartException(code, message);
        daemon.Handler.Variables.Add("TERM=linux");

        var result = await daemon.RunAsync(command.Split(' '));

        Assert.Equal((1, "", $"initctl: {message}\n"), result);
    }

    [Fact]
    public async Task Set_env_sends_every_entry_in_one_request_and_retain_only_when_asked()
    {
        await using var daemon = FakeDaemon.Start();

        await daemon.RunAsync(["set-env", "A=1", "BARE", "C=x=y", "D="]);
        await daemon.RunAsync(["set-env", "-r", "A=2", "E"]);
        await daemon.RunAsync(["set-env", "F=3", "--retain"]);

        Assert.Equal(["set-env global A=1 BARE C=x=y D=", "set-env global retain A=2 E", "set-env global retain F=3"], daemon.Handler.Calls);
    }

    [Fact]
    public void Help_lists_the_environment_commands_in_their_own_group()
    {
        var help = HelpText.For("initctl");

        var group = help[help.IndexOf("Environment commands", StringComparison.Ordinal)..help.IndexOf("Options:", StringComparison.Ordinal)];
        foreach (var command in new[] { "list-env [-g]", "get-env [-g] VAR", "set-env [-g] [-r] VAR[=VALUE]...", "unset-env [-g] VAR...", "reset-env [-g]" })
        {
            Assert.Contains("\n  " + command + " ", group, StringComparison.Ordinal);
        }
    }
}
