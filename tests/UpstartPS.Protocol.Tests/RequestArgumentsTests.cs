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
}
