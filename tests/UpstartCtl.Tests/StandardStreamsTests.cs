namespace UpstartCtl.Tests;

public sealed class StandardStreamsTests
{
    [Fact]
    public void Output_goes_where_the_descriptor_points_so_a_shell_writing_after_us_appends()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var file = File.OpenHandle(path, FileMode.Truncate, FileAccess.Write))
            {
                var fd = (int)file.DangerousGetHandle();

                // Two writers on one descriptor, as upstartctl and then `echo` in `(upstartctl list; echo done) > f`:
                // the second must continue where the first stopped, not write over it from its own offset.
                using (var first = StandardStreams.Open(fd))
                {
                    first.WriteLine("s0001 start/running, process 42");
                }

                using var second = StandardStreams.Open(fd);
                second.WriteLine("done");
            }

            Assert.Equal("s0001 start/running, process 42\ndone\n", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_closed_descriptor_is_not_an_error()
    {
        using var writer = StandardStreams.Open(-1);

        var error = Record.Exception(() =>
        {
            writer.WriteLine("nobody reads this");
            writer.Flush();
        });

        Assert.Null(error);
    }
}
