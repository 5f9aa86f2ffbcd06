namespace UpstartHost.Hosting;

/// <summary>The STATUS= text `systemctl status` shows: "12 jobs running, 1 failed".</summary>
public static class JobCountStatus
{
    public static string Format(int running, int failed, int loaded)
    {
        var text = running == 1 ? "1 job running" : $"{running} jobs running";
        if (failed > 0)
        {
            text += $", {failed} failed";
        }

        return text + $" ({loaded} loaded)";
    }
}
