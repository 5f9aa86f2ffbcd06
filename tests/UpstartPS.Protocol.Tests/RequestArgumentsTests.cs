namespace UpstartPS.Protocol.Tests;

public sealed class RequestArgumentsTests
{
    [Theory]
    [InlineData("A=1", true)]
    [InlineData("A=", true)]
    [InlineData("A=b=c", true)]
    [InlineData("=1", false)]
    [InlineData("A", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("A=\0", false)]
    public void An_environment_entry_is_KEY_VALUE_with_a_key_and_no_NUL(string? entry, bool valid)
    {
        Assert.Equal(valid, RequestArguments.IsEnvironmentEntry(entry));
    }

    [Theory]
    [InlineData("net-device-up", true)]
    [InlineData("x", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a b", false)]
    [InlineData("a\nb", false)]
    [InlineData("a\0", false)]
    public void An_event_name_is_one_word_without_NUL(string? name, bool valid)
    {
        Assert.Equal(valid, RequestArguments.IsEventName(name));
    }

    [Fact]
    public void A_bad_entry_anywhere_in_the_list_is_initctls_BadEnvironment()
    {
        RequestArguments.CheckEnvironment(["A=1", "B="]);

        var error = Assert.Throws<UpstartException>(() => RequestArguments.CheckEnvironment(["A=1", "B"]));

        Assert.Equal((UpstartErrorCode.BadEnvironment, "Env must be KEY=VALUE pairs"), (error.Code, error.Message));
    }

    [Fact]
    public void A_NUL_in_a_value_gets_its_own_error_naming_the_variable()
    {
        var error = Assert.Throws<UpstartException>(() => RequestArguments.CheckEnvironment(["A=1", "SECRET=x\0y"]));

        Assert.Equal((UpstartErrorCode.BadEnvironment, "Env SECRET contains a NUL character (U+0000), which cannot be passed to a process"), (error.Code, error.Message));
    }

    [Theory]
    [InlineData("web", null)]
    [InlineData("net/apache", null)]
    [InlineData("web*", null)]
    [InlineData("", "missing job name")]
    [InlineData(null, "missing job name")]
    [InlineData("fake\nweb", "job name contains the control character U+000A at position 5")]
    [InlineData("\u001b[2Jweb", "job name contains the control character U+001B at position 1")]
    [InlineData("a\u0085", "job name contains the control character U+0085 at position 2")]
    [InlineData("a\u2028", "job name contains the control character U+2028 at position 2")]
    public void A_job_name_is_refused_for_a_control_character_naming_it(string? name, string? problem)
    {
        Assert.Equal(problem, RequestArguments.JobNameProblem(name));
    }

    [Theory]
    [InlineData("net-device-up", null)]
    [InlineData("a b", "event name contains a blank at position 2")]
    [InlineData("a\u00A0b", "event name contains a blank at position 2")]
    [InlineData("a\tb", "event name contains the control character U+0009 at position 2")]
    [InlineData("a\u007F", "event name contains the control character U+007F at position 2")]
    public void An_event_name_is_refused_for_a_blank_or_a_control_character_naming_it(string name, string? problem)
    {
        Assert.Equal(problem, RequestArguments.EventNameProblem(name));
    }

    [Theory]
    [InlineData("tty1", null)]
    [InlineData("eth0.100", null)]
    [InlineData("/dev/ttyS0", null)]
    [InlineData("net-interface/eth0:1", null)]
    [InlineData("my worker", null)]
    [InlineData("café-日本-\U0001F680", null)]
    [InlineData("web\u202Enimda", "instance name contains the invisible or text-reordering character U+202E at position 4")]
    [InlineData("ad\u200Bmin", "instance name contains the invisible or text-reordering character U+200B at position 3")]
    [InlineData("\uFEFFx", "instance name contains the invisible or text-reordering character U+FEFF at position 1")]
    [InlineData("a\u2066b", "instance name contains the invisible or text-reordering character U+2066 at position 2")]
    [InlineData("a\u3164", "instance name contains the invisible or text-reordering character U+3164 at position 2")]
    [InlineData("a\u000Ab", "instance name contains the control character U+000A at position 2")]
    public void An_instance_name_is_refused_for_a_format_or_invisible_character_naming_it(string name, string? problem)
    {
        Assert.Equal(problem, RequestArguments.NameProblem("instance name", name));
    }

    [Fact]
    public void An_instance_name_with_half_a_surrogate_pair_is_refused()
    {
        // Not as theory data: xunit's serialisation would replace the lone surrogate.
        Assert.Equal("instance name contains the invisible or text-reordering character U+D800 at position 2", RequestArguments.NameProblem("instance name", "a\uD800b"));
    }

    [Fact]
    public void A_job_name_with_a_right_to_left_override_is_refused()
    {
        Assert.Equal("job name contains the invisible or text-reordering character U+202E at position 2", RequestArguments.JobNameProblem("w\u202Eeb"));
    }
}
