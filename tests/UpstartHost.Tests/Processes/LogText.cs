using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>Waiting for log output: the pump and the writer run on their own threads, so tests wait, bounded.</summary>
internal static class LogText
{
    /// <summary>Waits until the file stops growing after the writer is flushed twice; "" when it was never created.</summary>
    public static async Task<string> WaitForEnd(string path, ProcessLayer layer)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string? previous = null;
        var emptySince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            await layer.LogWriter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
            var now = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";

            // Nothing yet may only mean the pump thread has not read the pty: give it longer to show.
            if (now == previous && (now.Length > 0 || DateTime.UtcNow - emptySince > TimeSpan.FromSeconds(1)))
            {
                return now;
            }

            previous = now;
            await Task.Delay(50);
        }

        return previous ?? "";
    }

    /// <summary>Waits until <paramref name="condition"/> holds, up to 10 seconds.</summary>
    public static async Task Eventually(Func<bool> condition, string? what = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting for " + (what ?? "a condition"));
            }

            await Task.Delay(10);
        }
    }
}
